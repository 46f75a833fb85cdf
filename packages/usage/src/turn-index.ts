// Ended agents' finished turns kept on disk (the journal's stamped index), so that a process's first
// usage reading of 10,000 past agents reads one file instead of streaming every journal: a line per
// ended agent (in parts when it ran many turns) holding each turn's model, time, tokens, cost, outcome
// and duration, which is all any grouping or filter of summarize.ts looks at. Checked by hand, not
// with zod: 10,000 entries are read back on a first call.
import { StampedIndex } from "@subagent-mcp/journal";
import type { TurnRecord } from "./turns.js";

/** The index's file name in the agents directory (no agent's id: those never start with a dot). */
export const TURN_INDEX_FILE = ".usage.jsonl";

/** Parts an agent's turns may take (about 20 turns each): an agent with more is read from its journal. */
const MAX_PARTS = 64;

/** What the turns of one agent share (its launch, or a session or failover since). */
type Who = Pick<TurnRecord, "provider" | "model" | "project" | "label" | "category">;
/** A turn: its Who's index, at, input, output, cache_read, cache_write, failed (0/1), duration_ms, cost_usd. */
type Row = [number, string, number, number, number, number, number, number | null, number | null];

/** One agent's turns as the index keeps them. */
export interface Indexed {
  /** Its journal's lines that could not be read. */
  k: number;
  w: Who[];
  t: Row[];
}

/** The turns of `agent` in the index's form. */
export function encodeTurns(turns: readonly TurnRecord[], skipped: number): Indexed {
  const w: Who[] = [];
  const seen = new Map<string, number>();
  const t = turns.map((r): Row => {
    const who: Who = { provider: r.provider };
    for (const k of ["model", "project", "label", "category"] as const) if (r[k] !== undefined) who[k] = r[k];
    const key = JSON.stringify(who);
    let i = seen.get(key);
    if (i === undefined) seen.set(key, (i = w.push(who) - 1));
    const u = r.usage;
    return [i, r.at, u.input, u.output, u.cache_read, u.cache_write, r.failed === true ? 1 : 0, r.duration_ms ?? null, r.cost_usd ?? null];
  });
  return { k: skipped, w, t };
}

/** The turns kept for `agent`, as its journal's read gives them. */
export function decodeTurns(agent: string, v: Indexed): TurnRecord[] {
  return v.t.map(([i, at, input, output, cache_read, cache_write, failed, duration, cost]) => {
    const r: TurnRecord = { agent, ...(v.w[i] as Who), at, usage: { input, output, cache_read, cache_write }, failed: failed === 1 };
    if (duration !== null) r.duration_ms = duration;
    if (cost !== null) r.cost_usd = cost;
    return r;
  });
}

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const optStr = (x: unknown): boolean => x === undefined || typeof x === "string";

function isWho(x: unknown): x is Who {
  if (typeof x !== "object" || x === null) return false;
  const o = x as Record<string, unknown>;
  return typeof o.provider === "string" && optStr(o.model) && optStr(o.project) && optStr(o.label) && optStr(o.category);
}

function isRow(x: unknown, whos: number): x is Row {
  if (!Array.isArray(x) || x.length !== 9) return false;
  const [i, at, ...rest] = x as unknown[];
  if (!Number.isInteger(i) || (i as number) < 0 || (i as number) >= whos || typeof at !== "string") return false;
  const [a, b, c, d, failed, duration, cost] = rest;
  return [a, b, c, d].every(isNum) && (failed === 0 || failed === 1) && (duration === null || isNum(duration)) && (cost === null || isNum(cost));
}

// An entry read back, when it is of this shape (else that agent is read from its journal).
function check(_name: string, v: unknown): Indexed | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Partial<Indexed>;
  if (!isNum(o.k) || !Array.isArray(o.w) || !Array.isArray(o.t) || !o.w.every(isWho)) return undefined;
  const whos = o.w.length;
  return o.t.every((r) => isRow(r, whos)) ? (o as Indexed) : undefined;
}

/** One agents directory's index of ended agents' turns. */
export class TurnIndex extends StampedIndex<Indexed> {
  constructor(agentsDir: string) {
    super(`${agentsDir}/${TURN_INDEX_FILE}`, { check, maxParts: MAX_PARTS });
  }
}
