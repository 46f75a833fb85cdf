import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { assertWritable, ensurePrivateDir, writeAtomic, writeTarget } from "@subagent-mcp/state";
import { inFile } from "./errors.js";

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

/**
 * The text each file will hold once the changes planned so far in one run are written, so that a
 * second change of the same file (Codex's server and hooks, CLAUDE.md linked to AGENTS.md) starts
 * from the first one's result. Files are told apart by the end of their chain of symlinks.
 */
export class Drafts {
  readonly #texts = new Map<string, string | null>();

  /** The file's text as the changes planned so far leave it (as on disk when none touched it). */
  text(path: string): string | null {
    const target = writeTarget(path);
    return this.#texts.has(target) ? (this.#texts.get(target) ?? null) : readOrNull(path);
  }

  /** Remembers what a planned change leaves in the file (null: no file). */
  set(path: string, text: string | null): void {
    this.#texts.set(writeTarget(path), text);
  }

  /** Plans an edit of the file at `path` from its text so far; a refusal names the file. */
  plan(path: string, edit: (text: string) => string, options: { private?: boolean } = {}): FileChange {
    const before = this.text(path);
    const after = inFile(path, () => edit(before ?? ""));
    this.set(path, after);
    return { path, before, after, ...options };
  }
}

/** A copy of `text` under `backupDir` (0600, never over another backup), named after the file and the time. */
function backUp(backupDir: string, path: string, text: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  ensurePrivateDir(backupDir);
  for (let attempt = 0; ; attempt += 1) {
    const backup = join(backupDir, `${stamp}${attempt === 0 ? "" : `-${String(attempt)}`}-${basename(path)}`);
    try {
      writeFileSync(backup, text, { flag: "wx", mode: 0o600 });
      return backup;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
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
 * part (a file that no longer parses is refused, naming it). `drafts` holds what earlier reverts
 * of the same run leave in the file.
 */
export function planRevert(change: FileChange, removeOurs: (text: string) => string, drafts = new Drafts()): Revert {
  const current = drafts.text(change.path);
  let revert: Revert;
  if (current === null) revert = { path: change.path, how: "absent", next: undefined };
  else if (current === change.after) revert = { path: change.path, how: "restored", next: change.before };
  else {
    const without = inFile(change.path, () => removeOurs(current));
    revert = { path: change.path, how: "removed", next: without === current ? undefined : without };
  }
  if (revert.next !== undefined) drafts.set(change.path, revert.next);
  return revert;
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
