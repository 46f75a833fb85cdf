// Agents' finished turns kept between usage readings: summing 10,000 past agents' usage streamed
// every journal on every call. An agent is read again only when its journal's newest file changed
// (every turn appends there); the others are replayed from here. Bounded: past MAX_TURNS kept
// turns, further agents are read each time as before. A whole summary is kept too, handed back while
// no journal (nor worker's log) changed: then a call costs a stat per agent, not a pass over every turn.
import { readdirSync, statSync } from "node:fs";
import { journalStamp } from "@subagent-mcp/journal";
import { workerLayout } from "@subagent-mcp/state";
import type { TurnRecord } from "./turns.js";

/** Summaries kept at most (one per grouping, filter and price table asked). */
const MAX_SUMMARIES = 16;

/** Turns kept at most (about 200 bytes each). */
const MAX_TURNS = 200_000;

interface Kept {
  stamp: string;
  turns: TurnRecord[];
  skipped: number;
}

/** Per agent journal: its turns as last read, valid while its stamp holds. */
export class TurnCache {
  readonly #kept = new Map<string, Kept>();
  #turns = 0;
  /** Bumped whenever what is kept changes: a summary made at another generation is stale. */
  #generation = 0;
  readonly #summaries = new Map<string, { generation: number; ids: string; workers: string; value: unknown }>();

  /**
   * The summary kept under `key` while every agent's journal under `agentsDir` (and every worker's log)
   * is as it was when it was made (a stat each), else `make()`'s, kept.
   */
  summary<T>(agentsDir: string, workersDir: string | undefined, key: string, ids: readonly string[], make: () => T): T {
    for (const id of ids) this.get(agentsDir, id);
    const workers = workersDir === undefined ? "" : workersStamp(workersDir);
    const idList = `${agentsDir}\n${ids.join(",")}`;
    const kept = this.#summaries.get(key);
    if (kept?.generation === this.#generation && kept.ids === idList && kept.workers === workers && ids.every((id) => this.#kept.has(`${agentsDir}\n${id}`)))
      return kept.value as T;
    const value = make();
    if (this.#summaries.size >= MAX_SUMMARIES) this.#summaries.clear();
    this.#summaries.set(key, { generation: this.#generation, ids: idList, workers, value });
    return value;
  }

  /** The kept turns of `id`, when its journal has not changed since. */
  get(agentsDir: string, id: string): Omit<Kept, "stamp"> | undefined {
    const key = `${agentsDir}\n${id}`;
    const kept = this.#kept.get(key);
    if (kept === undefined) return undefined;
    if (kept.stamp === journalStamp(agentsDir, id)) return kept;
    this.#drop(key, kept);
    return undefined;
  }

  /** Keeps what was read of `id` (with the stamp its journal had before the read; none: not kept). */
  set(agentsDir: string, id: string, read: { turns: TurnRecord[]; skipped: number; stamp: string | undefined }): void {
    const key = `${agentsDir}\n${id}`;
    const old = this.#kept.get(key);
    if (old !== undefined) this.#drop(key, old);
    if (read.stamp === undefined || this.#turns + read.turns.length > MAX_TURNS) return;
    this.#kept.set(key, { stamp: read.stamp, turns: read.turns, skipped: read.skipped });
    this.#turns += read.turns.length;
    this.#generation++;
  }

  #drop(key: string, kept: Kept): void {
    this.#kept.delete(key);
    this.#turns -= kept.turns.length;
    this.#generation++;
  }
}

// Each worker's session and turn log, by size and mtime: what tells a worker's turns changed.
function workersStamp(workersDir: string): string {
  let names: string[];
  try {
    names = readdirSync(workersDir);
  } catch {
    return "";
  }
  const stamp = (file: string): string => {
    try {
      const s = statSync(file, { throwIfNoEntry: false });
      return s === undefined ? "-" : `${String(s.size)}:${String(s.mtimeMs)}`;
    } catch {
      return "?";
    }
  };
  return names.map((n) => `${n}=${stamp(workerLayout(`${workersDir}/${n}`).turns)}/${stamp(workerLayout(`${workersDir}/${n}`).session)}`).join(",");
}
