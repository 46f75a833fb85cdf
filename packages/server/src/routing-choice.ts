// What launch_agent asks of routing beyond the table: each candidate's expected cost (the
// category's learned typical turn × the price table), its provider's rate-limit headroom, and
// the budget left; then the ranking, and where the task escalates.
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
import { costOf, DEFAULT_PRICES, mergePrices } from "@subagent-mcp/usage";
import type { ToolDeps } from "./deps.js";

/** The inputs ranking reads for a launch of `category`, under the tightest of the budgets given. */
export function rankInputs(deps: ToolDeps, supervisor: Supervisor, category: string | undefined, budgets: (Budget | undefined)[]): RankInputs {
  const prices = deps.prices === undefined ? DEFAULT_PRICES : mergePrices(DEFAULT_PRICES, deps.prices);
  const left = [...budgets.map((b) => b?.max_cost_usd), deps.budgets.made()?.costLeftUsd()].filter((v): v is number => v !== undefined);
  return {
    expectedCost: (c: Candidate) => {
      const learned = category === undefined ? undefined : deps.categoryIndex?.typical(category, c);
      const tokens = learned ?? DEFAULT_TYPICAL_TURN;
      const usd = costOf(c.model, { input: tokens.input, output: tokens.output, cache_read: tokens.cacheRead }, prices);
      return usd === undefined ? undefined : { usd, tokens: learned?.source ?? "default" };
    },
    headroom: (provider) => supervisor.headroom(provider),
    ...(left.length === 0 ? {} : { budgetLeftUsd: Math.min(...left) }),
    now: Date.now(),
  };
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
