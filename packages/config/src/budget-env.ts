import type { Budget } from "@subagent-mcp/core";
import { ConfigError } from "./errors.js";
import { BUDGET_LEFT_ENV, LeftSchema } from "@subagent-mcp/contract";

// A budget holds over everything under it: a sub-agent's environment says what it had left when it
// started (its own budget, within what its server had left), and a subagent-mcp server started under
// it (a worker's, a fleet node's) takes that as a session budget of its own, which no config of that
// server raises. Within one server, a tree's budget is counted in the server itself.

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
    throw new ConfigError("CONFIG_INVALID", `${BUDGET_LEFT_ENV} must be JSON limits such as {"max_turns": 3}, got ${JSON.stringify(raw)}`);
  return Object.keys(parsed.data).length === 0 ? undefined : parsed.data;
}

/** The variable for a sub-agent's environment: always set, so that a nested server's own value never leaks through. */
export function budgetLeftEnv(left: Budget | undefined): Record<string, string> {
  return { [BUDGET_LEFT_ENV]: left === undefined || Object.keys(left).length === 0 ? "" : JSON.stringify(left) };
}
