import type { Budget } from "@subagent-mcp/core";
import { BudgetError } from "./errors.js";

// A resumed agent keeps the limits it was launched with, less what its earlier lives spent: a
// kill and a resume must not be a way round `max_turns`. New limits are given explicitly.

const SHOW: Record<keyof Budget, (n: number) => string> = {
  max_cost_usd: (n) => `$${n.toFixed(4)}`,
  max_tokens: (n) => `${Math.round(n)} tokens`,
  max_turns: (n) => `${n} turns`,
  max_seconds: (n) => `${Math.round(n)} s`,
};

/**
 * The budget for a resumed agent: `given` as asked (limits for the resumed life), else the
 * journaled one less what was spent; throws BUDGET_EXCEEDED naming the used-up limit when
 * nothing of it is left.
 */
export function resumeBudget(
  agentId: string,
  past: { budget?: Budget | undefined; spent: { turns: number; tokens: number; costUsd: number; seconds: number } },
  given: Budget | undefined,
): Budget | undefined {
  if (given !== undefined) return given;
  const limits = past.budget;
  if (limits === undefined) return undefined;
  const used: Record<keyof Budget, number> = {
    max_cost_usd: past.spent.costUsd,
    max_tokens: past.spent.tokens,
    max_turns: past.spent.turns,
    max_seconds: past.spent.seconds,
  };
  const left: Budget = {};
  for (const key of Object.keys(SHOW) as (keyof Budget)[]) {
    const limit = limits[key];
    if (limit === undefined) continue;
    const rest = limit - used[key];
    if (rest <= 0 || (key === "max_turns" && rest < 1))
      throw new BudgetError(
        "BUDGET_EXCEEDED",
        `agent ${agentId} has used its budget: ${key} ${SHOW[key](limit)} (${SHOW[key](used[key])} spent); resume it with more, e.g. resume_agent {agent_id: "${agentId}", budget: {${key}: ${key === "max_turns" ? used[key] + 1 : "…"}}}`,
      );
    left[key] = key === "max_turns" || key === "max_tokens" ? Math.floor(rest) : rest;
  }
  return left;
}
