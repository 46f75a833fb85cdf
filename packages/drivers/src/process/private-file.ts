import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A file only this user can read, in a directory only this user can enter; gone when removed or when we exit. */
export interface PrivateFile {
  readonly path: string;
  remove(): void;
}

const live = new Set<string>();
// A session's files go with it; those of sessions still open when we exit go with us.
process.once("exit", () => {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
});

/**
 * Writes `text` to `<tmp>/subagent-mcp-XXXXXX/<name>` (directory 0700, file 0600). For what must
 * not be on a command line, which every user of the machine can read in /proc/PID/cmdline.
 */
export function writePrivateFile(name: string, text: string): PrivateFile {
  const dir = mkdtempSync(join(tmpdir(), "subagent-mcp-"));
  live.add(dir);
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600, flag: "wx" });
  return {
    path,
    remove: () => {
      live.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
