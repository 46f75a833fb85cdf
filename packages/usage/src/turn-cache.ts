// Agents' finished turns kept between usage readings: summing 10,000 past agents' usage streamed
// every journal on every call. An agent is read again only when its journal's newest file changed
// (every turn appends there); the others are replayed from here. Bounded: past MAX_TURNS kept
// turns, further agents are read each time as before. A whole summary is kept too, handed back while
// no journal (nor worker's log) changed, as the agents directory's watch and this process's writes tell:
// then a call costs no pass over the agents at all. Ended agents' turns are kept on disk too
// (turn-index.ts), so that the next process reads their journals only when they changed.
import { readdirSync, statSync } from "node:fs";
import { AGENT_ID, DirChanges, journalStamp } from "@subagent-mcp/journal";
import { workerLayout } from "@subagent-mcp/state";
import { decodeTurns, encodeTurns, TurnIndex } from "./turn-index.js";
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
  readonly #summaries = new Map<string, { generation: number; ids: readonly string[]; workers: string; value: unknown }>();
  /** Per agents directory: what changed there (its watch, this process's writes) and its agents as last listed. */
  readonly #dirs = new Map<string, { changes: DirChanges; ids?: readonly string[] }>();
  /** The directory whose kept turns stand without a stat while a summary is made (its changes were just looked at). */
  #vouched: string | undefined;
  /** Each agents directory's on-disk index of ended agents' turns (none when not durable). */
  readonly #indexes = new Map<string, TurnIndex>();
  readonly #durable: boolean;

  /** `durable`: ended agents' turns are kept in the directory's index file too, for the next process (default). */
  constructor(options: { durable?: boolean } = {}) {
    this.#durable = options.durable ?? true;
  }

  /**
   * The summary kept under `key` while no agent's journal under `agentsDir` changed (as its watch and
   * this process's writes tell; every agent stat'ed when it cannot tell) nor any worker's log, else
   * `make()`'s, kept; `list` names the agents when the directory's entries changed.
   */
  summary<T>(agentsDir: string, workersDir: string | undefined, key: string, list: () => string[], make: () => T): T {
    let dir = this.#dirs.get(agentsDir);
    if (dir === undefined) this.#dirs.set(agentsDir, (dir = { changes: new DirChanges(agentsDir) }));
    const changes = dir.changes.take();
    if (changes.all || changes.relist || dir.ids === undefined) dir.ids = list();
    // A changed agent not kept (over the bound, unreadable) changes the sums all the same.
    // Other files of the directory (the summaries' index) are no agent's.
    for (const id of changes.all ? dir.ids : changes.ids) if (AGENT_ID.test(id) && this.get(agentsDir, id) === undefined) this.#generation++;
    const workers = workersDir === undefined ? "" : workersStamp(workersDir);
    const kept = this.#summaries.get(key);
    if (kept?.generation === this.#generation && kept.ids === dir.ids && kept.workers === workers) return kept.value as T;
    this.#vouched = agentsDir;
    let value: T;
    try {
      value = make();
    } finally {
      this.#vouched = undefined;
    }
    if (this.#summaries.size >= MAX_SUMMARIES) this.#summaries.clear();
    this.#summaries.set(key, { generation: this.#generation, ids: dir.ids, workers, value });
    return value;
  }

  /** Stops watching the directories (a cache no longer used). */
  close(): void {
    for (const dir of this.#dirs.values()) dir.changes.close();
    this.#dirs.clear();
  }

  /** The kept turns of `id` (here, else in the directory's index), when its journal has not changed since. */
  get(agentsDir: string, id: string): Omit<Kept, "stamp"> | undefined {
    const key = `${agentsDir}\n${id}`;
    const kept = this.#kept.get(key);
    if (kept !== undefined) {
      if (this.#vouched === agentsDir || kept.stamp === journalStamp(agentsDir, id)) return kept;
      this.#drop(key, kept);
    }
    const stamp = this.#durable && this.#index(agentsDir).has(id) ? journalStamp(agentsDir, id) : undefined;
    const indexed = stamp === undefined ? undefined : this.#index(agentsDir).get(id, stamp);
    if (stamp === undefined || indexed === undefined) return undefined;
    const read = { stamp, turns: decodeTurns(id, indexed), skipped: indexed.k };
    this.#keep(key, read);
    return read;
  }

  /** Keeps what was read of `id` (with the stamp its journal had before the read; none: not kept), on disk too when `ended` (its server gone). */
  set(agentsDir: string, id: string, read: { turns: TurnRecord[]; skipped: number; stamp: string | undefined; ended?: boolean }): void {
    const key = `${agentsDir}\n${id}`;
    const old = this.#kept.get(key);
    if (old !== undefined) this.#drop(key, old);
    if (read.stamp === undefined) return;
    // Ended: it changes only with its journal (a resume), so the next process may take it from the index.
    if (this.#durable && read.ended === true) this.#index(agentsDir).put(id, read.stamp, encodeTurns(read.turns, read.skipped));
    this.#keep(key, { stamp: read.stamp, turns: read.turns, skipped: read.skipped });
  }

  /** After a pass over `ids` (every agent of `agentsDir`): the index's new lines written, those of agents gone dropped. */
  settle(agentsDir: string, ids: readonly string[]): void {
    this.#indexes.get(agentsDir)?.prune(new Set(ids));
  }

  #keep(key: string, kept: Kept): void {
    if (this.#turns + kept.turns.length > MAX_TURNS) return;
    this.#kept.set(key, kept);
    this.#turns += kept.turns.length;
    this.#generation++;
  }

  #index(agentsDir: string): TurnIndex {
    let index = this.#indexes.get(agentsDir);
    if (index === undefined) this.#indexes.set(agentsDir, (index = new TurnIndex(agentsDir)));
    return index;
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
