import { type Budget, type Spent } from "@subagent-mcp/core";
import { z } from "zod";
import { LeftSchema } from "@subagent-mcp/contract";

// What a nested server and the server that launched its sub-agent say to each other about the
// budget of their tree, over the sub-agents' loopback endpoint (one MCP tool, at its own path).

/** The tool on that address: report spending (optional), answer what the tree has left. */
export const TREE_TOOL = "tree_budget";

const amount = z.number().nonnegative();

/** Spending as reported: what the reporting server's agents (and those under them) spent since its last report. */
export const SpentWire = z.strictObject({ cost_usd: amount, tokens: amount, turns: amount, seconds: amount });
export type SpentWire = z.infer<typeof SpentWire>;

/** The answer: what the tree has left, where it stands (the first limit reached, warnings from 80 %), each with its numbers. */
export const TreeAnswerSchema = z.strictObject({
  left: LeftSchema,
  exceeded: z.string().max(2000).optional(),
  warnings: z.array(z.string().max(2000)).max(20),
});
export type TreeAnswer = z.infer<typeof TreeAnswerSchema>;

export const zeroSpent = (): Spent => ({ costUsd: 0, tokens: 0, turns: 0, seconds: 0 });

export function sumSpent(a: Spent, b: Spent): Spent {
  return { costUsd: (a.costUsd ?? 0) + (b.costUsd ?? 0), tokens: a.tokens + b.tokens, turns: a.turns + b.turns, seconds: a.seconds + b.seconds };
}

export const toWire = (s: Spent): SpentWire => ({ cost_usd: s.costUsd ?? 0, tokens: s.tokens, turns: s.turns, seconds: s.seconds });
export const fromWire = (s: SpentWire): Spent => ({ costUsd: s.cost_usd, tokens: s.tokens, turns: s.turns, seconds: s.seconds });

/** A budget with no limit in it is no budget. */
export const limitsOrNone = (b: Budget | undefined): Budget | undefined => (b === undefined || Object.keys(b).length === 0 ? undefined : b);
