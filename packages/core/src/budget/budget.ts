import { BudgetSchema, type Budget, type Usage } from "@subagent-mcp/contract";

// The budget's shape is a launch option (contract's); its arithmetic is here.
export { BudgetSchema, type Budget };

/** What has been spent against a budget. `costUsd` undefined: some cost is unknown (no price). */
export interface Spent {
  costUsd: number | undefined;
  tokens: number;
  turns: number;
  seconds: number;
}

/** Where spending stands against a budget: warnings from 80 %, and the first limit reached. */
export interface BudgetStanding {
  warnings: string[];
  exceeded: string | undefined;
}

/** The share of a limit past which a warning is given. */
const WARN_AT = 0.8;

/** Tokens that count against a budget. */
export function budgetTokens(usage: Usage): number {
  return usage.input + usage.output + usage.cacheWrite;
}

const LIMITS = [
  { key: "max_cost_usd", spent: (s: Spent) => s.costUsd, show: (n: number) => `$${n.toFixed(4)}` },
  { key: "max_tokens", spent: (s: Spent) => s.tokens, show: (n: number) => `${Math.round(n)} tokens` },
  { key: "max_turns", spent: (s: Spent) => s.turns, show: (n: number) => `${n} turns` },
  { key: "max_seconds", spent: (s: Spent) => s.seconds, show: (n: number) => `${Math.round(n)} s` },
] as const;

/** Pure: how `spent` stands against `budget`, each limit said with its numbers. */
export function standing(budget: Budget | undefined, spent: Spent): BudgetStanding {
  const warnings: string[] = [];
  let exceeded: string | undefined;
  for (const limit of LIMITS) {
    const max = budget?.[limit.key];
    const used = limit.spent(spent);
    if (max === undefined || used === undefined) continue;
    const said = `${limit.key} ${limit.show(max)}: ${limit.show(used)} spent (${Math.round((used / max) * 100)} %)`;
    if (used >= max) exceeded ??= said;
    else if (used >= WARN_AT * max) warnings.push(said);
  }
  return { warnings, exceeded };
}

/** A budget with `raise` applied on top (its limits replace the old ones). */
export function raised(budget: Budget | undefined, raise: Budget): Budget {
  return { ...budget, ...raise };
}
