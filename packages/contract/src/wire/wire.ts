import { z } from "zod";
import { WorktreeOutSchema } from "./worktree.js";
import { AgentStatusSchema } from "../status.js";
import { PermissionDecisionSchema } from "../permissions/permission-request.js";
import { RecordedUsageSchema } from "../tokens.js";
import { ReceiptSchema } from "./receipt.js";

// The pieces several tools' results share.

/** Statuses on the wire: an agent's, or `ended` for an agent of an earlier server read back from the journal. */
export const WireStatusSchema = z.enum([...AgentStatusSchema.options, "ended"]);

export const FinishedTurnSchema = z.object({
  agent_id: z.string(),
  turn: z.number(),
  status: AgentStatusSchema,
  result: z.string(),
  /** Set when `result` is only its beginning (over the result cap): the full length. */
  result_chars: z.number().optional().describe("Set when result is cut: its full length; poll_agent with offset reads on."),
  is_error: z.boolean(),
  interrupted: z.boolean(),
  usage: RecordedUsageSchema,
  cost_usd: z.number().optional(),
  duration_ms: z.number(),
  /** The agent's worktree as of the turn's end (isolation worktree): what it holds, and whether it was kept once the agent ended. */
  worktree: WorktreeOutSchema.optional(),
  /** Its budget, when past 80 % or reached. */
  budget_note: z.string().optional(),
  receipt: ReceiptSchema.optional().describe(
    "What the turn did, from what was seen (tool events, permission answers, git), never from its text; suspect lists claims of its text the facts do not back.",
  ),
});

/** A permission request as the wire shows it: what the agent asks to do, in one line. */
export const PermissionOutSchema = z.object({
  request_id: z.string(),
  tool: z.string(),
  kind: z.enum(["shell", "edit", "read", "mcp", "fetch", "other"]),
  summary: z.string().describe("The tool and the command, path or URL it asks for."),
});

/** A pending request with what the CLI gave and when it asked (poll_agent). */
export const PendingPermissionOutSchema = PermissionOutSchema.extend({
  input: z.unknown().describe("The tool's input as the CLI gave it (JSON text, cut, when over 4 KB)."),
  asked_at: z.string().describe("ISO time of the request."),
  options: z.array(PermissionDecisionSchema.shape.behavior).describe("The decisions respond_permission can give it."),
});

/** An agent's budget on the wire: its limits, what it spent, warnings from 80 %, and the limit it reached. */
export const BudgetOutSchema = z.object({
  limits: z.object({
    max_cost_usd: z.number().optional(),
    max_tokens: z.number().optional(),
    max_turns: z.number().optional(),
    max_seconds: z.number().optional(),
  }),
  spent: z.object({
    cost_usd: z.number().optional().describe("Absent while part of the cost is unknown (no price for the model)."),
    tokens: z.number(),
    turns: z.number(),
    seconds: z.number(),
  }),
  warnings: z.array(z.string()).optional(),
  exceeded: z.string().optional(),
});
