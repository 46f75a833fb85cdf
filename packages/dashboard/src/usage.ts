// Turns and cost per day and provider, from the journals and the workers' turn logs.
import { addTurn, agentTurns, DEFAULT_PRICES, emptyRow, TurnCache, workerTurns, type PriceTable, type TurnRecord, type UsageRow } from "@subagent-mcp/usage";
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
export function usageNow(stateDir: string, project: string, prices: PriceTable, turns?: TurnCache): UsageNow {
  const rows = new Map<string, { day: string; provider: string; row: UsageRow }>();
  const costs = new Map<string, number>();
  let total = 0;
  // Each turn is added as its journal streams by: none is held.
  const add = (t: TurnRecord): void => {
    const day = t.at.slice(0, 10);
    const provider = t.provider || "(unknown)";
    const key = `${day}\n${provider}`;
    let entry = rows.get(key);
    if (entry === undefined) rows.set(key, (entry = { day, provider, row: emptyRow(key) }));
    const cost = addTurn(entry.row, t, prices);
    if (cost !== undefined) {
      total += cost;
      costs.set(t.agent, (costs.get(t.agent) ?? 0) + cost);
    }
  };
  agentTurns(
    stateLayout(stateDir).agents,
    (t) => {
      if (t.project === project) add(t);
    },
    turns,
  );
  workerTurns(stateLayout(stateDir).workers, add);
  // The page's names for a row's counts.
  const days: UsageDayView[] = [...rows.values()]
    .map(({ day, provider, row: r }) => ({
      day,
      provider,
      turns: r.turns,
      input_tokens: r.input,
      output_tokens: r.output,
      cache_read_tokens: r.cache_read,
      cache_write_tokens: r.cache_write,
      cost_usd: round(r.cost_usd ?? 0),
      unknown_cost_turns: r.unknown_cost_turns,
    }))
    .sort((a, b) => b.day.localeCompare(a.day) || a.provider.localeCompare(b.provider));
  return { usage: { days, total_cost_usd: round(total) }, costs };
}

/** {@link usageNow}, computed again at most every {@link USAGE_MAX_AGE_MS}, reading again only the journals that changed. */
export class UsageCache {
  readonly #turns = new TurnCache();
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
      this.#last = usageNow(this.stateDir, this.project, this.prices, this.#turns);
      this.#at = now;
    }
    return this.#last;
  }
}
