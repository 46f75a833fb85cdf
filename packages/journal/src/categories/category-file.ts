// The category index on disk: its schema, reading and writing `category-index.json`, and the scan
// of the journals that rebuilds it when the file is absent or corrupt. Apart from the class so that
// the format and the I/O it needs are in one place.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeAtomic } from "@subagent-mcp/state";
import { z } from "zod";
import { Ring, RingFileSchema, type IndexedTurn, type Rings } from "./category-rings.js";
import { plainCause } from "../errors.js";
import { journalFiles, parseLine } from "../read.js";
import { launchOf } from "../tail.js";
import { definedFields } from "@subagent-mcp/contract/fields";

/** The index's file name inside the journal directory (not an agent id: listing and pruning pass it over). */
export const CATEGORY_INDEX_FILE = "category-index.json";

/** The index file: per category, per candidate key (see {@link candidateKey}), a ring of recent turns. */
export const CategoryIndexFileSchema = z.object({
  version: z.literal(1),
  categories: z.record(z.string(), z.record(z.string(), RingFileSchema)),
});
export type CategoryIndexFile = z.infer<typeof CategoryIndexFileSchema>;

/** What {@link readIndexFile} found: the rings with the file's version, no file, or why it is unusable. */
export type IndexRead = { kind: "ok"; rings: Rings; stamp: string | undefined } | { kind: "absent" } | { kind: "corrupt"; why: string };

/** A turn found by {@link scanJournals}, with when it ended (epoch ms, 0 if unknown). */
export interface ScannedTurn {
  at: number;
  turn: IndexedTurn;
}

const AGENT_ID = /^[a-z0-9-]{1,64}$/;

// Identifies one version of the file: every write renames a new file over it, so its inode changes
// even when two writes land within the same mtime tick.
export function stampOf(path: string): string | undefined {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.ino}:${s.mtimeNs}:${s.size}`;
  } catch {
    return undefined;
  }
}

/** The rings of the index file at `path`, each holding at most `ringSize` turns (the newest). */
export function readIndexFile(path: string, ringSize: number): IndexRead {
  const stamp = stampOf(path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? { kind: "absent" } : { kind: "corrupt", why: plainCause(err) };
  }
  let parsed;
  try {
    parsed = CategoryIndexFileSchema.safeParse(JSON.parse(text));
  } catch {
    return { kind: "corrupt", why: "not JSON" };
  }
  if (!parsed.success) return { kind: "corrupt", why: `not an index: ${parsed.error.issues[0]?.message ?? "invalid"}` };
  const rings: Rings = new Map();
  for (const [category, byKey] of Object.entries(parsed.data.categories)) {
    rings.set(category, new Map(Object.entries(byKey).map(([key, f]) => [key, Ring.fromFile(f, ringSize)])));
  }
  return { kind: "ok", rings, stamp };
}

/** Writes `rings` to `path` atomically, returning the new file's stamp. Throws what the write throws. */
export function writeIndexFile(path: string, rings: Rings): string | undefined {
  const file: CategoryIndexFile = { version: 1, categories: {} };
  for (const [category, byKey] of rings) file.categories[category] = Object.fromEntries([...byKey].map(([key, ring]) => [key, ring.toFile()]));
  // Not durable: the index is rebuilt from the journals if a crash loses it.
  writeAtomic(path, `${JSON.stringify(file)}\n`, { mode: 0o600, durable: false });
  return stampOf(path);
}

// Every turn of every agent launched with a category, oldest first, so that each ring keeps the
// newest. Only an agent's head line is read to learn its category: uncategorized journals cost
// one small read. The candidate is the launch's (a failover to another provider is not journaled,
// so its turns count for the first candidate).
export function scanJournals(journalDir: string): { turns: ScannedTurn[]; journals: number } {
  let names: string[];
  try {
    names = readdirSync(journalDir).filter((n) => AGENT_ID.test(n));
  } catch {
    return { turns: [], journals: 0 };
  }
  const found: ScannedTurn[] = [];
  let journals = 0;
  for (const name of names) {
    let files: string[];
    try {
      files = journalFiles(join(journalDir, name));
    } catch {
      continue;
    }
    const launch = launchOf(files);
    if (launch !== undefined) journals++;
    if (launch?.category === undefined) continue;
    const who = { category: launch.category, provider: launch.provider, ...definedFields({ model: launch.model }) };
    for (const file of files) {
      let text: string;
      try {
        if (!statSync(file).isFile()) continue;
        text = readFileSync(file, "utf8");
      } catch {
        continue;
      }
      for (const line of text.split("\n")) {
        // The writer puts `t` first: other kinds of entry are passed over unparsed.
        if (line.startsWith('{"t":"') && !line.startsWith('{"t":"turn"')) continue;
        const e = line.trim() === "" ? undefined : parseLine(line);
        if (e?.t !== "turn") continue;
        found.push({
          at: Date.parse(e.at) || 0,
          turn: {
            ...who,
            usage: e.usage,
            ...definedFields({ costUsd: e.cost_usd }),
            durationMs: e.duration_ms,
            ok: !e.is_error && !e.interrupted,
          },
        });
      }
    }
  }
  found.sort((a, b) => a.at - b.at);
  return { turns: found, journals };
}
