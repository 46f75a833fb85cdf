import type { Budget, Spent } from "@subagent-mcp/core";

// A budget holds over everything under it: what an agent may spend is its own budget within what
// is left above it (the variable that carries it to a server elsewhere is @subagent-mcp/contract's BUDGET_LEFT_ENV).

const KEYS = ["max_cost_usd", "max_tokens", "max_turns", "max_seconds"] as const;

export const zeroSpent = (): Spent => ({ costUsd: 0, tokens: 0, turns: 0, seconds: 0 });

export function sumSpent(a: Spent, b: Spent): Spent {
  return { costUsd: (a.costUsd ?? 0) + (b.costUsd ?? 0), tokens: a.tokens + b.tokens, turns: a.turns + b.turns, seconds: a.seconds + b.seconds };
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
