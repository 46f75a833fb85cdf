import { z } from "zod";

// The dashboard's timeline of an agent tree (`/api/timeline`), as the journal's `agentTree` builds
// it: one row per agent, nested ones under their parent, turns as spans, waits and stops as marks.

/** One turn of an agent, from its start to its end (absent while under way). */
const TimelineTurnSchema = z.object({
  turn: z.number(),
  start: z.string(),
  end: z.string().optional(),
  is_error: z.boolean(),
  /** Interrupted, or cut by the agent's end before it finished. */
  interrupted: z.boolean(),
  prompt_head: z.string(),
  result_head: z.string().optional(),
  cost_usd: z.number().optional(),
  /** Input plus output tokens. */
  tokens: z.number().optional(),
  duration_ms: z.number().optional(),
  /** The turn's receipt in one line (contract's `receiptLine`: "SUSPECT: ..." when it flags claims), when its journal kept one. */
  receipt_line: z.string().optional(),
  /** The team-board tasks the turn worked on, when its agent is a board's member (the board's `turns.jsonl`). */
  tasks: z.array(z.object({ board: z.string(), keys: z.array(z.string()) })).optional(),
});
export type TimelineTurn = z.infer<typeof TimelineTurnSchema>;

/** A permission wait (`until` absent while it waits) or a budget stop (`note` names the limit). */
const TimelineMarkSchema = z.object({
  kind: z.enum(["permission", "budget"]),
  at: z.string(),
  until: z.string().optional(),
  note: z.string().optional(),
});
export type TimelineMark = z.infer<typeof TimelineMarkSchema>;

/** One agent of the tree; rows come parent first, then its children by start time. */
export const TimelineRowSchema = z.object({
  agent_id: z.string(),
  parent: z.string().optional(),
  depth: z.number(),
  provider: z.string(),
  model: z.string().optional(),
  label: z.string().optional(),
  status: z.string(),
  live: z.boolean(),
  started_at: z.string(),
  /** Absent while it lives. */
  ended_at: z.string().optional(),
  cost_usd: z.number().optional(),
  /** Turns whose cost is unknown: not in cost_usd. */
  unknown_cost_turns: z.number(),
  turns: z.array(TimelineTurnSchema),
  marks: z.array(TimelineMarkSchema),
});
export type TimelineRow = z.infer<typeof TimelineRowSchema>;

/** `/api/timeline`: the tree under `root`, or the roots of the project's recent agents. */
export const TimelineSchema = z.object({
  root: z.string().optional(),
  /** The server's clock: where a live row's spans end for now. */
  generated_at: z.string(),
  rows: z.array(TimelineRowSchema),
});
export type Timeline = z.infer<typeof TimelineSchema>;
