import { z } from "zod";
import { ReceiptSchema } from "./receipt.js";

// What transcript returns (and what the dashboard shows of a past agent's journal).

const TurnOutSchema = z.object({
  turn: z.number(),
  at: z.string(),
  prompts: z.array(z.string()),
  tools: z.array(z.string()).describe("Its visible tool calls, each in one line."),
  result: z.string().optional(),
  result_chars: z.number().optional().describe("Set when result is cut: its full length."),
  is_error: z.boolean().optional(),
  interrupted: z.boolean().optional(),
  cost_usd: z.number().optional(),
  duration_ms: z.number().optional(),
  receipt: ReceiptSchema.optional().describe("What the turn did, from its tool events, permission answers and git (absent for turns journaled without one)."),
});
export type TurnOut = z.infer<typeof TurnOutSchema>;

export const TranscriptOutput = {
  agent_id: z.string(),
  turns: z.array(TurnOutSchema),
  total_turns: z.number(),
  next_turn: z.number().optional().describe("More turns follow: call transcript again with from_turn."),
  earlier_turn: z.number().optional().describe("With latest or before_turn, earlier turns exist: call transcript again with before_turn."),
  resumes: z.array(z.object({ at: z.string(), reason: z.string() })).optional(),
  skipped_lines: z.number().optional().describe("Journal lines that could not be read (e.g. one cut by a crash)."),
};
