import { join } from "node:path";
import { assertWritable } from "@subagent-mcp/state";
import { applyChange, readRecord, recordChanges, type FileChange, type RecordedChange } from "@subagent-mcp/hosts";

import { fail } from "../fail.js";
import { errorMessage } from "@subagent-mcp/errors";

/** The `--force` flag of setup, update, init and uninstall. */
export const forceArg = { type: "boolean", description: "Also write files you made read-only (their mode is kept)" } as const;

/**
 * Runs a step that may refuse a file (unparseable, wrong-typed key, read-only: each a typed error
 * naming the file) or fail to read one: either ends the command with one line, no stack trace.
 */
export function refusing<T>(step: () => T, prefix = ""): T {
  try {
    return step();
  } catch (error) {
    fail(`${prefix}${errorMessage(error)}`);
  }
}

/** Ends the command before anything is written if one of `paths` is read-only (and not forced). */
export function refuseReadOnly(paths: string[], force: boolean): void {
  for (const path of paths)
    refusing(() => {
      assertWritable(path, force);
    });
}

/** One planned write: the change, what to record of it (if anything), and the line to print once done. */
export interface Planned {
  change: FileChange;
  record?: RecordedChange;
  done: (backup: string | undefined) => string;
}

/**
 * Applies planned changes, each backed up under the state dir: read-only files are refused before
 * anything is written, and what was written is recorded even when a later write fails, so that
 * uninstall can still reverse it.
 */
export function applyPlanned(planned: Planned[], dir: string, force: boolean): void {
  refuseReadOnly(
    planned.map((p) => p.change.path),
    force,
  );
  refusing(() => readRecord(dir)); // a record we could not extend must stop us before the first write
  const applied: RecordedChange[] = [];
  try {
    for (const { change, record, done } of planned) {
      const backup = applyChange(change, join(dir, "backups"), { force });
      if (record !== undefined) applied.push(record);
      process.stdout.write(`${done(backup)}\n`);
    }
  } catch (error) {
    if (applied.length > 0) recordChanges(dir, applied);
    fail(errorMessage(error));
  }
  if (applied.length > 0)
    refusing(() => {
      recordChanges(dir, applied);
    });
}
