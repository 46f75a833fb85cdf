import { stateLayout } from "@subagent-mcp/state";
import { DEFAULT_PRICES } from "./default-prices.js";
import { recordedCost } from "./lookup.js";
import type { GroupBy, PriceTable, UsageRow } from "./schema.js";
import { agentIds, agentTurns, workerTurns, type TurnRecord } from "./turns.js";
import type { TurnCache } from "./turn-cache.js";

/** What {@link summarizeUsage} returns. */
export interface UsageSummary {
  rows: UsageRow[];
  total: UsageRow;
  /** Journal or log lines that could not be read. */
  skipped_lines: number;
}

/** Where the records are: a state dir (its `agents/` and `workers/`), or each directory. */
type UsageSource = string | { agentsDir: string; workersDir?: string };

interface SummarizeOptions {
  groupBy: GroupBy;
  /** Only turns that ended at or after this. */
  since?: Date;
  /** Only agents launched for this project (workers belong to none and are then left out). */
  project?: string;
  /** Price table (default: the built-in one). */
  prices?: PriceTable;
  /** Agents' turns kept from an earlier summary: only journals changed since are read again. */
  turns?: TurnCache;
}

const UNKNOWN = "(unknown)";
/** The category of turns whose agent was launched without one. */
export const NO_CATEGORY = "(none)";

function keyOf(t: TurnRecord, groupBy: GroupBy): string {
  if (groupBy === "agent") return t.agent;
  if (groupBy === "category") return `${t.category ?? NO_CATEGORY} ${t.provider || UNKNOWN}${t.model === undefined ? "" : ` ${t.model}`}`;
  if (groupBy === "provider") return t.provider || UNKNOWN;
  if (groupBy === "model") return t.model ?? UNKNOWN;
  return t.at.slice(0, 10);
}

/** A usage row with nothing added yet. */
export function emptyRow(key: string): UsageRow {
  return { key, turns: 0, input: 0, output: 0, cache_read: 0, cache_write: 0, cost_known: true, unknown_cost_turns: 0 };
}

/**
 * Adds one turn to a row, its tokens and its cost (unknown: counted as such, never as 0); returns that
 * cost. With `share` (0-1), only that part of its tokens and cost: a turn split between several rows.
 */
export function addTurn(row: UsageRow, t: TurnRecord, prices: PriceTable, share = 1): number | undefined {
  row.turns++;
  row.input += t.usage.input * share;
  row.output += t.usage.output * share;
  row.cache_read += t.usage.cache_read * share;
  row.cache_write += t.usage.cache_write * share;
  const cost = recordedCost(t, prices);
  if (cost === undefined) {
    row.unknown_cost_turns++;
    row.cost_known = false;
  } else row.cost_usd = (row.cost_usd ?? 0) + cost * share;
  return cost;
}

/**
 * Token usage and cost of every agent's and worker's finished turns, grouped; a turn's model is
 * the one its journal named last before it (session, else launch). Rows whose cost is partly
 * unknown say so (`cost_known: false`) and show the known part: an unknown price never counts as 0.
 */
export function summarizeUsage(source: UsageSource, options: SummarizeOptions): UsageSummary {
  const dirs = typeof source === "string" ? { agentsDir: stateLayout(source).agents, workersDir: stateLayout(source).workers } : source;
  const cache = options.turns;
  if (cache === undefined) return summarizeNow(dirs, options);
  // The summary asked before, while no journal changed (the caller keeps it unchanged).
  const key = JSON.stringify([options.groupBy, options.since?.getTime(), options.project, options.prices ?? null]);
  const workersDir = options.project === undefined ? dirs.workersDir : undefined;
  return cache.summary(
    dirs.agentsDir,
    workersDir,
    key,
    () => agentIds(dirs.agentsDir),
    () => summarizeNow(dirs, options),
  );
}

function summarizeNow(dirs: { agentsDir: string; workersDir?: string }, options: SummarizeOptions): UsageSummary {
  const since = options.since?.getTime();
  const prices = options.prices ?? DEFAULT_PRICES;
  const byKey = new Map<string, UsageRow>();
  const outcomes = new Map<UsageRow, Outcomes>();
  const total = emptyRow("total");
  // Each turn is added as its line is read: no journal and no list of turns is held.
  const add = (t: TurnRecord): void => {
    if (since !== undefined && !(Date.parse(t.at) >= since)) return;
    if (options.project !== undefined && t.project !== options.project) return;
    const key = keyOf(t, options.groupBy);
    let row = byKey.get(key);
    if (row === undefined) {
      row = emptyRow(key);
      byKey.set(key, row);
    }
    if (options.groupBy === "agent" || options.groupBy === "category") {
      if (t.provider !== "") row.provider = t.provider;
      if (t.model !== undefined) row.model = t.model;
      if (t.label !== undefined && options.groupBy === "agent") row.label = t.label;
    }
    const cost = addTurn(row, t, prices);
    addTurn(total, t, prices);
    if (options.groupBy === "category") {
      row.category = t.category ?? NO_CATEGORY;
      const o = outcomes.get(row) ?? { ok: 0, costs: [], durations: [] };
      outcomes.set(row, o);
      if (t.failed !== true) o.ok++;
      if (cost !== undefined) o.costs.push(cost);
      if (t.duration_ms !== undefined) o.durations.push(t.duration_ms);
    }
  };
  const agents = agentTurns(dirs.agentsDir, add, options.turns);
  const workers = dirs.workersDir === undefined || options.project !== undefined ? { skipped: 0 } : workerTurns(dirs.workersDir, add);
  for (const [row, o] of outcomes) {
    row.success_rate = Math.round((o.ok / row.turns) * 1000) / 1000;
    const cost = median(o.costs);
    if (cost !== undefined) row.median_cost_usd = cost;
    const duration = median(o.durations);
    if (duration !== undefined) row.median_duration_ms = Math.round(duration);
  }
  const rows = [...byKey.values()].sort((a, b) =>
    options.groupBy === "day"
      ? a.key.localeCompare(b.key)
      : options.groupBy === "category"
        ? // Per category, its candidates from the cheapest typical turn up: the order a routing table would try them in.
          (a.category ?? "").localeCompare(b.category ?? "") || (a.median_cost_usd ?? Infinity) - (b.median_cost_usd ?? Infinity) || a.key.localeCompare(b.key)
        : (b.cost_usd ?? 0) - (a.cost_usd ?? 0) || b.turns - a.turns || a.key.localeCompare(b.key),
  );
  return { rows, total, skipped_lines: agents.skipped + workers.skipped };
}

/** How a category's candidate did, turn by turn. */
interface Outcomes {
  ok: number;
  costs: number[];
  durations: number[];
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
