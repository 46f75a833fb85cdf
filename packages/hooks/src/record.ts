import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { writeAtomic, type FileChange } from "./files.js";
export { stateDir } from "./state-dir.js";

const ChangeSchema = z.object({ kind: z.enum(["mcp", "hooks", "instructions"]), host: z.string().optional(), path: z.string(), before: z.string().nullable(), after: z.string() });
const RecordSchema = z.object({ version: z.literal(1), changes: z.array(ChangeSchema) });

/** One change that setup or init made, remembered so that uninstall can reverse exactly it. */
export type RecordedChange = z.infer<typeof ChangeSchema> & FileChange;

export function readRecord(dir: string): RecordedChange[] {
  try {
    return RecordSchema.parse(JSON.parse(readFileSync(join(dir, "installed.json"), "utf8"))).changes;
  } catch {
    return [];
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
  writeAtomic(join(dir, "installed.json"), `${JSON.stringify({ version: 1, changes: all }, null, 2)}\n`);
}

export function writeRecord(dir: string, changes: RecordedChange[]): void {
  writeAtomic(join(dir, "installed.json"), `${JSON.stringify({ version: 1, changes }, null, 2)}\n`);
}
