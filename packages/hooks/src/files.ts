import { existsSync, readFileSync, rmSync } from "node:fs";
import { basename } from "node:path";
import { assertWritable, writeAtomic, writeNewPrivate, writeTarget } from "./safe-write.js";

/** One file we change: what it held before (null: it did not exist) and what we wrote. */
export interface FileChange {
  path: string;
  before: string | null;
  after: string;
  /** Create the file 0600 if it does not exist: a host config that will hold the user's credentials. */
  private?: boolean;
}

/** A file's text (through symlinks), or null when it does not exist. */
export function readOrNull(path: string): string | null {
  return existsSync(path) ? readFileSync(path, "utf8") : null;
}

/** A copy of `text` under `backupDir` (0600, never over another backup), named after the file and the time. */
function backUp(backupDir: string, path: string, text: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return writeNewPrivate(backupDir, (n) => `${stamp}${n === 0 ? "" : `-${String(n)}`}-${basename(path)}`, text);
}

/**
 * Applies a change: backs up the old file under `backupDir`, then writes the new text atomically
 * (the file's mode, owner and symlinks kept; a read-only file refused unless `force`).
 */
export function applyChange(change: FileChange, backupDir: string, options: { force?: boolean } = {}): string | undefined {
  assertWritable(change.path, options.force);
  const backup = change.before === null ? undefined : backUp(backupDir, change.path, change.before);
  writeAtomic(change.path, change.after, { force: options.force, createMode: change.private === true ? 0o600 : undefined });
  return backup;
}

/** What undoing one change does to its file. */
export interface Revert {
  path: string;
  how: "restored" | "removed" | "absent";
  /** The text to write; null: delete the file (we created it); undefined: nothing to write. */
  next: string | null | undefined;
}

/**
 * How to undo a change. If the file still holds exactly what we wrote, the old bytes come back (or
 * the file goes, if we created it); if the user edited it since, `removeOurs` takes out only our
 * part. `current` is the file's text when an earlier revert of the same run already changed it.
 */
export function planRevert(change: FileChange, removeOurs: (text: string) => string, current: string | null = readOrNull(change.path)): Revert {
  if (current === null) return { path: change.path, how: "absent", next: undefined };
  if (current === change.after) return { path: change.path, how: "restored", next: change.before };
  const without = removeOurs(current);
  return { path: change.path, how: "removed", next: without === current ? undefined : without };
}

/** Carries out a {@link planRevert} (mode, owner and symlinks kept; a read-only file refused unless `force`). */
export function applyRevert(revert: Revert, options: { force?: boolean } = {}): void {
  if (revert.next === undefined) return;
  if (revert.next !== null) {
    writeAtomic(revert.path, revert.next, options);
    return;
  }
  assertWritable(revert.path, options.force);
  rmSync(writeTarget(revert.path));
}

/** Undoes a change at once: {@link planRevert} then {@link applyRevert}. */
export function revertChange(change: FileChange, removeOurs: (text: string) => string, options: { force?: boolean } = {}): Revert["how"] {
  const revert = planRevert(change, removeOurs);
  applyRevert(revert, options);
  return revert.how;
}
