// Ranking's inputs as a launch composes them, so that the CLI's `route` ranks exactly as a launch
// does: each candidate's expected cost (the category's learned typical turn × the price table),
// its provider's rate-limit headroom, and the budget left.
import type { TypicalTurn } from "@subagent-mcp/journal";
import { DEFAULT_TYPICAL_TURN, type RankInputs } from "./rank.js";
import type { Candidate } from "./table.js";
import { costOf } from "@subagent-mcp/usage";
import type { PriceTable } from "@subagent-mcp/usage/schema";
import { definedFields } from "@subagent-mcp/contract/fields";

/**
 * The typical turn of a task category on a candidate, learned from past turns (the journal's
 * CategoryIndex): medians of its own recent turns, else of the category's; undefined when none.
 * An in-memory read, cached: routing calls it per candidate on every launch.
 */
export interface CategoryTypicals {
  typical(category: string, candidate: { provider: string; model?: string | undefined }): TypicalTurn | undefined;
}

/** Where ranking's numbers come from: learned turns, prices, rate-limit headroom and budgets. */
interface RankSources {
  /** The task's category; without one every candidate is priced on the default typical turn. */
  category: string | undefined;
  /** Typical turns learned from the journal (its CategoryIndex); undefined when nothing is learned. */
  typicals: CategoryTypicals | undefined;
  /** The price table: the built-in prices with the config's over them, merged once by the caller. */
  prices: PriceTable;
  /** A provider's tightest rate-limit window in force, from the rate limits every server shares. */
  headroom: RankInputs["headroom"];
  /** USD each budget over the launch leaves (undefined: that budget sets no cost limit); the tightest applies. */
  budgetsLeftUsd: readonly (number | undefined)[];
  /** With the config's `quota_percent`: it, and each provider's windows in force (a window at or past it holds the provider). */
  quota?: RankInputs["quota"];
}

/** Ranking's inputs: a candidate's expected cost is the category's typical turn on it × its model's price. */
export function composeRankInputs(sources: RankSources): RankInputs {
  const { category, typicals, prices } = sources;
  const left = sources.budgetsLeftUsd.filter((v): v is number => v !== undefined);
  return {
    expectedCost: (c: Candidate) => {
      const learned = category === undefined ? undefined : typicals?.typical(category, c);
      const tokens = learned ?? DEFAULT_TYPICAL_TURN;
      const usd = costOf(c.model, { input: tokens.input, output: tokens.output, cache_read: tokens.cacheRead }, prices);
      return usd === undefined ? undefined : { usd, tokens: learned?.source ?? "default" };
    },
    headroom: sources.headroom,
    ...(left.length === 0 ? {} : { budgetLeftUsd: Math.min(...left) }),
    ...definedFields({ quota: sources.quota }),
    now: Date.now(),
  };
}
