import type { Budget, Spent } from "@subagent-mcp/core";
import { z } from "zod";
import { ServerError } from "./errors.js";

// Budgets hold over a tree of servers, not one: each sub-agent's environment says what it had left
// when it started (its own budget, within what its server had left), and a subagent-mcp server its
// CLI starts takes that as a session budget of its own, which no config of the nested server raises.

/** What the agent a server runs under had left when it started, as JSON limits ("" or absent: no limit). */
export const BUDGET_LEFT_ENV = "SUBAGENT_MCP_BUDGET_LEFT";

/** Limits as JSON (a budget left, each limit 0 or more). */
export const LeftSchema = z.strictObject({
  max_cost_usd: z.number().nonnegative().optional(),
  max_tokens: z.number().nonnegative().optional(),
  max_turns: z.number().nonnegative().optional(),
  max_seconds: z.number().nonnegative().optional(),
});

const KEYS = ["max_cost_usd", "max_tokens", "max_turns", "max_seconds"] as const;

/** The budget a nested server inherits from its environment; a malformed value stops the server rather than being read as "no limit". */
export function budgetLeftFrom(env: Record<string, string | undefined>): Budget | undefined {
  const raw = env[BUDGET_LEFT_ENV];
  if (raw === undefined || raw.trim() === "") return undefined;
  let parsed;
  try {
    parsed = LeftSchema.safeParse(JSON.parse(raw));
  } catch {
    parsed = undefined;
  }
  if (parsed?.success !== true)
    throw new ServerError("CONFIG_INVALID", `${BUDGET_LEFT_ENV} must be JSON limits such as {"max_turns": 3}, got ${JSON.stringify(raw)}`);
  return Object.keys(parsed.data).length === 0 ? undefined : parsed.data;
}

/** Each limit the lower of the two (a limit set in one only is kept). */
export function tighter(a: Budget | undefined, b: Budget | undefined): Budget | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const out: Budget = {};
  for (const key of KEYS) {
    const [x, y] = [a[key], b[key]];
    const v = x === undefined ? y : y === undefined ? x : Math.min(x, y);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** What is left of `budget` after `spent` (never below 0); undefined when there is no budget. */
export function leftOf(budget: Budget | undefined, spent: Spent): Budget | undefined {
  if (budget === undefined) return undefined;
  const used: Record<(typeof KEYS)[number], number> = {
    max_cost_usd: spent.costUsd ?? 0,
    max_tokens: spent.tokens,
    max_turns: spent.turns,
    max_seconds: spent.seconds,
  };
  const out: Budget = {};
  for (const key of KEYS) {
    const limit = budget[key];
    if (limit !== undefined) out[key] = Math.max(0, limit - used[key]);
  }
  return out;
}

/** The variable for a sub-agent's environment: always set, so that a nested server's own value never leaks through. */
export function budgetLeftEnv(left: Budget | undefined): Record<string, string> {
  return { [BUDGET_LEFT_ENV]: left === undefined || Object.keys(left).length === 0 ? "" : JSON.stringify(left) };
}
