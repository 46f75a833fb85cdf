// What launch_agent asks of routing beyond the table: each candidate's expected cost (the
// category's learned typical turn × the price table), its provider's rate-limit headroom, and
// the budget left; then the ranking, and where the task escalates. `composeRankInputs` is that
// composition alone, so that the CLI's `route` ranks exactly as a launch does.
import type { Budget, Fallback, Supervisor } from "@subagent-mcp/core";
import {
  DEFAULT_ESCALATION_STEPS,
  DEFAULT_TYPICAL_TURN,
  escalationLadder,
  type Candidate,
  type Escalate,
  type RankInputs,
  type Route,
} from "@subagent-mcp/routing";
import { costOf } from "@subagent-mcp/usage";
import type { PriceTable } from "@subagent-mcp/usage/schema";
import type { CategoryTypicals, ToolDeps } from "./deps.js";

/** Where ranking's numbers come from: learned turns, prices, rate-limit headroom and budgets. */
export interface RankSources {
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
    now: Date.now(),
  };
}

/** The inputs ranking reads for a launch of `category`, under the tightest of the budgets given. */
export function rankInputs(deps: ToolDeps, supervisor: Supervisor, category: string | undefined, budgets: (Budget | undefined)[]): RankInputs {
  return composeRankInputs({
    category,
    typicals: deps.categoryIndex,
    prices: deps.priceTable,
    headroom: (provider) => supervisor.headroom(provider),
    budgetsLeftUsd: [...budgets.map((b) => b?.max_cost_usd), deps.budgets.made()?.costLeftUsd()],
  });
}

/** The launch's escalation for core: the ladder above `chosen` within `escalate.max_steps`, and the task it hands over. */
export function escalationFor(
  deps: ToolDeps,
  escalate: Escalate | undefined,
  route: Route,
  chosen: Candidate,
  inputs: RankInputs,
  task: string,
): { on: "error" | "check"; check?: string; ladder: Fallback[]; task: string } | undefined {
  if (escalate === undefined) return undefined;
  const ladder = escalationLadder(deps.routingTable, route.category ?? "fallback_default", chosen, escalate.max_steps ?? DEFAULT_ESCALATION_STEPS, {
    ...inputs,
    installed: deps.installed,
  });
  return { on: escalate.on, ...(escalate.check === undefined ? {} : { check: escalate.check }), ladder, task };
}
