// macOS: sandbox-exec with a profile that allows everything but the view's hidden folders, less
// what is shown again. A replaced file cannot be swapped in place there: it stays hidden.
import { realpathSync } from "node:fs";
import type { SandboxView } from "./view.js";

// Seatbelt matches real paths (/var is /private/var): a path that does not exist is kept as given.
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

const quoted = (path: string): string => JSON.stringify(real(path));

/** The Seatbelt profile for `view`: later rules win, so what is shown comes after what is hidden. */
export function seatbeltProfile(view: SandboxView): string {
  const lines = ["(version 1)", "(allow default)"];
  for (const dir of view.hidden) lines.push(`(deny file-read* file-write* (subpath ${quoted(dir)}))`);
  for (const { path, writable } of view.shown) lines.push(`(allow file-read*${writable ? " file-write*" : ""} (subpath ${quoted(path)}))`);
  return lines.join("\n");
}
