// What launch_agent asks of routing beyond the table: ranking's inputs (composed by
// @subagent-mcp/routing's `composeRankInputs`, as the CLI's `route` composes them), then the ranking,
// and where the task escalates.
import type { Budget, Fallback } from "@subagent-mcp/core";
import type { Runtime } from "../runtime/runtime.js";
import {
  composeRankInputs,
  DEFAULT_ESCALATION_STEPS,
  escalationLadder,
  type Candidate,
  type RankInputs,
  type Ranking,
  type Route,
} from "@subagent-mcp/routing";
import { ServerError } from "../errors.js";
import { ladderUnderCaps } from "./held-agents.js";
import type { Escalate } from "@subagent-mcp/contract";
import type { ToolDeps } from "../deps.js";
import { definedFields } from "@subagent-mcp/contract/fields";

/** The inputs ranking reads for a launch of `category`, under the tightest of the budgets given. */
export function rankInputs(deps: ToolDeps, runtime: Runtime, category: string | undefined, budgets: (Budget | undefined)[]): RankInputs {
  const { supervisor } = runtime;
  return composeRankInputs({
    category,
    // What the journal learned of each category (nothing without a journal).
    typicals: runtime.journal?.categoryIndex(),
    prices: deps.priceTable,
    headroom: (provider) => supervisor.headroom(provider),
    ...(deps.quotaPercent === undefined ? {} : { quota: { percent: deps.quotaPercent, windows: (provider) => supervisor.rateWindows(provider) } }),
    budgetsLeftUsd: [...budgets.map((b) => b?.max_cost_usd), runtime.budgets?.costLeftUsd()],
  });
}

/** A launch `quota_percent` leaves no candidate for (or whose named provider it holds) is refused, saying which window and when it resets. */
export function refuseHeld(ranking: Ranking): void {
  if (ranking.ranked.length > 0) return;
  const held = [...new Set(ranking.skipped.filter((s) => s.rule === "over_quota").map((s) => s.reason))];
  if (held.length > 0) throw new ServerError("BUDGET_EXCEEDED", `launch held by quota_percent: ${held.join("; ")}`);
}

/** The launch's escalation for core: the ladder above `chosen` within `escalate.max_steps` (less the rungs a spend cap holds), and the task it hands over. */
export function escalationFor(
  deps: ToolDeps,
  runtime: Runtime,
  escalate: Escalate | undefined,
  route: Route,
  chosen: Candidate,
  inputs: RankInputs,
  task: string,
): { on: Escalate["on"]; check?: string; ladder: Fallback[]; task: string } | undefined {
  if (escalate === undefined) return undefined;
  const ladder = escalationLadder(deps.routingTable, route.category ?? "fallback_default", chosen, escalate.max_steps ?? DEFAULT_ESCALATION_STEPS, {
    ...inputs,
    installed: deps.installed,
  });
  return { on: escalate.on, ...definedFields({ check: escalate.check }), ladder: ladderUnderCaps(runtime.spendCaps, ladder).ladder, task };
}
