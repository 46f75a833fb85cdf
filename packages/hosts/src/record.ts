import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

import { writePrivate } from "@subagent-mcp/state";
import { HostsError } from "./errors.js";
import type { FileChange } from "./files.js";
import { HostSchema } from "./registry.js";
import { errorMessage } from "@subagent-mcp/errors";

// `host` is absent for instructions, and for hooks recorded before hooks had a host (Claude Code's).
const ChangeSchema = z.object({
  kind: z.enum(["mcp", "hooks", "instructions"]),
  host: HostSchema.optional(),
  path: z.string(),
  before: z.string().nullable(),
  after: z.string(),
  private: z.boolean().optional(),
});
const RecordSchema = z.object({ version: z.literal(1), changes: z.array(ChangeSchema) });

/** One change that setup or init made, remembered so that uninstall can reverse exactly it. */
export type RecordedChange = z.infer<typeof ChangeSchema> & FileChange;

/**
 * The recorded changes (none when there is no record yet). A record that cannot be read is an
 * error, never "nothing": it holds the user's original bytes, and the next write would drop them.
 */
export function readRecord(dir: string): RecordedChange[] {
  const path = join(dir, "installed.json");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  try {
    return RecordSchema.parse(JSON.parse(text)).changes;
  } catch (error) {
    const why = error instanceof z.ZodError ? "unexpected content" : errorMessage(error);
    throw new HostsError("UNPARSEABLE", `${path}: not a record of ours (${why}); move it away to start a new one`);
  }
}

/** Keeps the first `before` of each file (the user's original) and the latest `after`. */
export function recordChanges(dir: string, changes: RecordedChange[]): void {
  const all = readRecord(dir);
  for (const change of changes) {
    const known = all.find((c) => c.path === change.path && c.kind === change.kind);
    if (known === undefined) all.push(change);
    else known.after = change.after;
  }
  writeRecord(dir, all);
}

/** Replaces the record; it holds full copies of the user's configs, so only its owner may read it. */
export function writeRecord(dir: string, changes: RecordedChange[]): void {
  writePrivate(join(dir, "installed.json"), `${JSON.stringify({ version: 1, changes }, null, 2)}\n`);
}
