// Agents' summaries kept between listings: listing 10,000 past agents read each one's journal ends
// (a few files opened, a tail parsed) on every call. A summary is read again only when its journal's
// newest file changed (every change of an agent, its owner's included, appends an entry there) or
// its server's liveness did; otherwise a listing costs a stat per agent, and when nothing changed
// the listing sorted last time (and each project's share of it) is handed back as it was.
import { statSync } from "node:fs";
import type { AgentSummary } from "../list.js";
import { DirChanges } from "../dir-changes.js";
import { JOURNAL_FILE } from "../owner.js";
import { SummaryIndex } from "./summary-index.js";
import { processAlive, type ProcessRef } from "@subagent-mcp/state";

interface Kept {
  stamp: string;
  summary: AgentSummary;
}

interface Listed {
  changes: DirChanges;
  /** The agent names last listed. */
  names: Set<string> | undefined;
  /** Those kept whose server was alive when read: their liveness is checked on every listing. */
  owned: Set<string>;
  all: AgentSummary[];
  byProject: Map<string, AgentSummary[]>;
}

/** An agent's directory name (what else the directory holds is no agent). */
export const AGENT_ID = /^[a-z0-9-]{1,64}$/;

// Compares as String#localeCompare does (the default locale and options), without its cost per call.
// Made on the first comparison: a collator reads ~2 MB of ICU's data into memory, which a server
// that never lists its agents need not hold (apps/bench, "idle server RSS").
let collator: Intl.Collator | undefined;
const time = (at: string): number => Date.parse(at) || 0;

/** Newest first (by last_at), ties by id, last first: the order of every listing. */
export function byNewest(a: Pick<AgentSummary, "last_at" | "agent_id">, b: Pick<AgentSummary, "last_at" | "agent_id">): number {
  return time(b.last_at) - time(a.last_at) || (collator ??= new Intl.Collator()).compare(b.agent_id, a.agent_id);
}

type Read = (name: string) => AgentSummary | undefined;

/** A summary per agent directory, valid while its journal file's identity, size and mtime stay. */
export class SummaryCache {
  readonly #kept = new Map<string, Kept>();
  readonly #listed = new Map<string, Listed>();
  /** Each directory's on-disk index of ended agents' summaries (none when not durable). */
  readonly #indexes = new Map<string, SummaryIndex>();
  readonly #durable: boolean;

  /** `durable`: ended agents' summaries are kept in the directory's index file too, for the next process (default). */
  constructor(options: { durable?: boolean } = {}) {
    this.#durable = options.durable ?? true;
  }

  /** Summaries of one listing of `dir`: `read` is called for those not kept or stale; ids gone are forgotten. */
  listing(dir: string, names: readonly string[], read: Read): (AgentSummary | undefined)[] {
    const isAlive = aliveOnce();
    const out = names.map((name) => this.#check(dir, name, read, isAlive).summary);
    const seen = new Set(names);
    const base = `${dir}/`;
    for (const key of this.#kept.keys()) if (key.startsWith(base) && !seen.has(key.slice(base.length))) this.#kept.delete(key);
    this.#indexes.get(dir)?.prune(seen);
    return out;
  }

  /**
   * Every agent of `dir` (of one project's when named) newest first; only the agents the directory's
   * watch (or this process's writes) said changed are looked at again, the others as they were. The
   * same array as the call before while none changed (callers keep it unchanged).
   */
  sorted(dir: string, list: () => string[], read: Read, project?: string): AgentSummary[] {
    let l = this.#listed.get(dir);
    if (l === undefined) this.#listed.set(dir, (l = { changes: new DirChanges(dir), names: undefined, owned: new Set(), all: [], byProject: new Map() }));
    const changes = l.changes.take();
    const isAlive = aliveOnce();
    const touched = new Set<string>();
    if (changes.all || l.names === undefined) {
      const names = list();
      this.listing(dir, names, read);
      l.names = new Set(names);
      this.#rebuild(dir, l);
    } else {
      const ids = new Set([...changes.ids, ...l.owned]);
      if (changes.relist) {
        const names = new Set(list());
        for (const n of names) if (!l.names.has(n)) ids.add(n);
        for (const n of l.names) if (!names.has(n)) ids.add(n);
        l.names = names;
      }
      for (const id of ids) {
        if (!AGENT_ID.test(id)) continue;
        const before = this.#kept.get(`${dir}/${id}`)?.summary;
        const { summary } = this.#check(dir, id, read, isAlive);
        if (summary === before) continue;
        // A new array when anything changed: callers may hold on to the one before.
        if (touched.size === 0) l.all = [...l.all];
        touched.add(id);
        if (summary === undefined) l.names.delete(id);
        else l.names.add(id);
        l.owned.delete(id);
        if (summary?.owner !== undefined && summary.owner_alive) l.owned.add(id);
        if (before !== undefined) remove(l.all, before);
        if (summary !== undefined) l.all.splice(insertAt(l.all, summary), 0, summary);
      }
      if (touched.size > 0) l.byProject = new Map();
    }
    this.#indexes.get(dir)?.flush();
    if (project === undefined) return l.all;
    let mine = l.byProject.get(project);
    if (mine === undefined) l.byProject.set(project, (mine = l.all.filter((s) => s.project === project)));
    return mine;
  }

  /** Drops the directory watches (a cache no longer used). */
  close(): void {
    for (const l of this.#listed.values()) l.changes.close();
    this.#listed.clear();
  }

  #index(dir: string): SummaryIndex | undefined {
    if (!this.#durable) return undefined;
    let index = this.#indexes.get(dir);
    if (index === undefined) this.#indexes.set(dir, (index = new SummaryIndex(dir)));
    return index;
  }

  #rebuild(dir: string, l: Listed): void {
    const all: AgentSummary[] = [];
    l.owned.clear();
    for (const name of l.names ?? []) {
      const summary = this.#kept.get(`${dir}/${name}`)?.summary;
      if (summary === undefined) continue;
      all.push(summary);
      if (summary.owner !== undefined && summary.owner_alive) l.owned.add(name);
    }
    all.sort(byNewest);
    // Read whole again (the watch lost, or the directory made again) but nothing changed: the same array.
    if (all.length === l.all.length && all.every((s, i) => s === l.all[i])) return;
    l.all = all;
    l.byProject = new Map();
  }

  // One agent: its kept summary while its journal's stamp and its server's liveness hold, else read again.
  #check(dir: string, name: string, read: Read, isAlive: (owner: ProcessRef) => boolean): { summary: AgentSummary | undefined } {
    const key = `${dir}/${name}`;
    const stamp = stampOf(`${key}/${JOURNAL_FILE}`);
    const kept = this.#kept.get(key);
    if (stamp !== undefined && kept?.stamp === stamp && (kept.summary.owner === undefined || isAlive(kept.summary.owner) === kept.summary.owner_alive))
      return { summary: kept.summary };
    const index = this.#index(dir);
    const indexed = stamp === undefined ? undefined : index?.get(name, stamp);
    const fresh = indexed !== undefined && (indexed.owner === undefined || isAlive(indexed.owner) === indexed.owner_alive);
    const summary = fresh ? indexed : read(name);
    if (stamp === undefined || summary === undefined) this.#kept.delete(key);
    else {
      this.#kept.set(key, { stamp, summary });
      // Ended (its server gone): it changes only with its journal, so the next process may take it from the index.
      if (!fresh && !summary.owner_alive) index?.put(name, stamp, summary);
    }
    return { summary };
  }
}

// One liveness check per server per listing, not per agent.
function aliveOnce(): (owner: ProcessRef) => boolean {
  const alive = new Map<string, boolean>();
  return (owner) => {
    const key = `${String(owner.pid)}/${owner.start ?? ""}`;
    return alive.get(key) ?? alive.set(key, processAlive(owner)).get(key) ?? false;
  };
}

// Where `s` goes in `all` (sorted by byNewest): binary search.
function insertAt(all: AgentSummary[], s: AgentSummary): number {
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byNewest(all[mid] as AgentSummary, s) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function remove(all: AgentSummary[], s: AgentSummary): void {
  const at = insertAt(all, s);
  if (all[at] === s) all.splice(at, 1);
  else {
    const i = all.indexOf(s);
    if (i >= 0) all.splice(i, 1);
  }
}

/** What tells an agent's journal changed: its newest file's identity, size and mtime (undefined when it has none). */
export function journalStamp(dir: string, agentId: string): string | undefined {
  return stampOf(`${dir}/${agentId}/${JOURNAL_FILE}`);
}

// Each journal's stamp as taken first inside {@link sameStamps} (none outside it).
let taken: Map<string, string | undefined> | undefined;

/**
 * Runs `f` with each journal stat'ed once: for a reader passing over the same 10,000 agents twice at
 * once (the dashboard's usage, then its listing), that writes no journal meanwhile.
 */
export function sameStamps<T>(f: () => T): T {
  if (taken !== undefined) return f();
  taken = new Map();
  try {
    return f();
  } finally {
    taken = undefined;
  }
}

function stampOf(file: string): string | undefined {
  if (taken?.has(file) === true) return taken.get(file);
  let stamp: string | undefined;
  try {
    // Not bigint (its stats cost more to make): the size changes on every append, the inode on rotation.
    const s = statSync(file, { throwIfNoEntry: false });
    stamp = s === undefined ? undefined : `${String(s.ino)}:${String(s.size)}:${String(s.mtimeMs)}`;
  } catch {
    stamp = undefined;
  }
  taken?.set(file, stamp);
  return stamp;
}
