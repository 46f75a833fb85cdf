import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** One file we change: what it held before (null: it did not exist) and what we wrote. */
export interface FileChange {
  path: string;
  before: string | null;
  after: string;
}

/** A file's text, or null when it does not exist. */
export function readOrNull(path: string): string | null {
  return existsSync(path) ? readFileSync(path, "utf8") : null;
}

/** Writes atomically: a temporary file in the same directory, then a rename over the target. */
export function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.subagent-mcp-${process.pid}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, path);
}

/** Applies a change: backs up the old file under `backupDir`, then writes the new text atomically. */
export function applyChange(change: FileChange, backupDir: string): string | undefined {
  let backup: string | undefined;
  if (change.before !== null) {
    mkdirSync(backupDir, { recursive: true });
    backup = join(backupDir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${basename(change.path)}`);
    writeFileSync(backup, change.before);
  }
  writeAtomic(change.path, change.after);
  return backup;
}

/**
 * Undoes a change. If the file still holds exactly what we wrote, the old bytes come back (or the
 * file goes, if we created it); if the user edited it since, `removeOurs` takes out only our part.
 */
export function revertChange(change: FileChange, removeOurs: (text: string) => string): "restored" | "removed" | "absent" {
  const current = readOrNull(change.path);
  if (current === null) return "absent";
  if (current === change.after) {
    if (change.before === null) rmSync(change.path);
    else writeAtomic(change.path, change.before);
    return "restored";
  }
  writeAtomic(change.path, removeOurs(current));
  return "removed";
}
