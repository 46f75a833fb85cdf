// Turns and cost per day and provider, from the journals and the workers' turn logs.
import { agentTurns, DEFAULT_PRICES, recordedCost, workerTurns, type PriceTable } from "@subagent-mcp/usage";
import type { UsageDayView } from "@subagent-mcp/contract";
import { stateLayout } from "@subagent-mcp/state";

/** What {@link UsageCache.get} returns. */
export interface UsageNow {
  usage: { days: UsageDayView[]; total_cost_usd: number };
  /** Known cost per agent id (past agents show theirs). */
  costs: Map<string, number>;
}

/** How long a computed usage is reused: reading every journal is the dearest part of the state. */
export const USAGE_MAX_AGE_MS = 30_000;

const round = (n: number): number => Math.round(n * 10_000) / 10_000;

/** Usage of this project's agents (and of every worker, which belong to no project), grouped per day (UTC) and provider. */
export function usageNow(stateDir: string, project: string, prices: PriceTable): UsageNow {
  const agents = agentTurns(stateLayout(stateDir).agents).turns.filter((t) => t.project === project);
  const workers = workerTurns(stateLayout(stateDir).workers).turns;
  const rows = new Map<string, UsageDayView>();
  const costs = new Map<string, number>();
  let total = 0;
  for (const t of [...agents, ...workers]) {
    const day = t.at.slice(0, 10);
    const provider = t.provider || "(unknown)";
    const key = `${day}\n${provider}`;
    let row = rows.get(key);
    if (row === undefined)
      rows.set(
        key,
        (row = { day, provider, turns: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, cost_usd: 0, unknown_cost_turns: 0 }),
      );
    row.turns++;
    row.input_tokens += t.usage.input;
    row.output_tokens += t.usage.output;
    row.cache_read_tokens += t.usage.cache_read;
    row.cache_write_tokens += t.usage.cache_write;
    const cost = recordedCost(t, prices);
    if (cost === undefined) row.unknown_cost_turns++;
    else {
      row.cost_usd += cost;
      total += cost;
      costs.set(t.agent, (costs.get(t.agent) ?? 0) + cost);
    }
  }
  const days = [...rows.values()]
    .map((r) => ({ ...r, cost_usd: round(r.cost_usd) }))
    .sort((a, b) => b.day.localeCompare(a.day) || a.provider.localeCompare(b.provider));
  return { usage: { days, total_cost_usd: round(total) }, costs };
}

/** {@link usageNow}, computed again at most every {@link USAGE_MAX_AGE_MS}. */
export class UsageCache {
  #at = 0;
  #last: UsageNow | undefined;

  constructor(
    private readonly stateDir: string,
    private readonly project: string,
    private readonly prices: PriceTable = DEFAULT_PRICES,
  ) {}

  get(): UsageNow {
    const now = Date.now();
    if (this.#last === undefined || now - this.#at >= USAGE_MAX_AGE_MS) {
      this.#last = usageNow(this.stateDir, this.project, this.prices);
      this.#at = now;
    }
    return this.#last;
  }
}
