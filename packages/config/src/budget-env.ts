import type { Budget } from "@subagent-mcp/core";
import { ConfigError } from "./errors.js";
import { BUDGET_LEFT_ENV, LeftSchema, TREE_BUDGET_URL_ENV } from "@subagent-mcp/contract";

// Budgets hold over a tree of servers, not one: each sub-agent's environment says what it had left
// when it started (its own budget, within what its server had left), and a subagent-mcp server its
// CLI starts takes that as a session budget of its own, which no config of the nested server raises.

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

const TREE_PATH = /^\/agents\/[^/]+\/[0-9a-f]{32}\/tree$/;

/** Only our own sub-agents' endpoint (plain HTTP on 127.0.0.1) is ever called: any other address is no parent of ours. */
export function treeUrlFrom(env: Record<string, string | undefined>): string | undefined {
  const raw = env[TREE_BUDGET_URL_ENV]?.trim();
  if (raw === undefined || raw === "") return undefined;
  try {
    const url = new URL(raw);
    const ours = url.protocol === "http:" && url.hostname === "127.0.0.1" && url.username === "" && TREE_PATH.test(url.pathname) && url.search === "";
    return ours ? url.href : undefined;
  } catch {
    return undefined;
  }
}
