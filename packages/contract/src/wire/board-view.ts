import { z } from "zod";

// A team's task board as the dashboard's page shows it (the state's `boards`): each board's tasks
// in one column per state, each card with who holds it and since when, what it waits on, why it was
// sent back and what it cost, built by the dashboard from the board's journal and its turns.

/** A task's states, in the order the page's columns show them. */
export const BOARD_COLUMNS = ["waiting", "open", "claimed", "in_review", "done", "failed", "cancelled"] as const;
const BoardStatusSchema = z.enum(BOARD_COLUMNS);

/** One task of a board, as its card shows it. */
const BoardCardSchema = z.object({
  key: z.string(),
  title: z.string(),
  status: BoardStatusSchema,
  /** Who holds it: its claimer while claimed, its author once finished (in review or done). */
  holder: z.string().optional(),
  /** Who took its review (in review only). */
  reviewer: z.string().optional(),
  /** Since when it stands where it is (claimed, finished, failed), ISO 8601. */
  since: z.string().optional(),
  /** The claimer's last sign of life (claimed only), ISO 8601. */
  seen_at: z.string().optional(),
  assignee: z.string().optional(),
  /** What it depends on, each with where that task stands ("missing": no task has the key). */
  depends_on: z.array(z.object({ key: z.string(), status: z.union([BoardStatusSchema, z.literal("missing")]) })),
  /** Waiting on a task that failed or was cancelled (directly or not): it never opens. */
  stuck: z.boolean(),
  /** Attempts that ended without it done, of the board's `max_tries`. */
  tries: z.number(),
  max_tries: z.number(),
  /** Why the last attempt was sent back, and by whom (a reviewer, or "receipt" for a suspect one). */
  sent_back: z.object({ by: z.string(), reasons: z.array(z.string()) }).optional(),
  /** The result (in review or done), its head when long: `result_chars` then gives its whole length. */
  result: z.string().optional(),
  result_chars: z.number().optional(),
  /** Why it failed. */
  reason: z.string().optional(),
  /** The finished work's receipt in one line (contract's `receiptLine`), and its review's verdict when it had one. */
  receipt: z.object({ line: z.string(), suspect: z.boolean(), review: z.string().optional() }).optional(),
  /** What the members' turns on it cost (a turn that worked on several tasks counts a share on each). */
  cost_usd: z.number().optional(),
  /** Member turns that worked on it. */
  turns: z.number(),
});
export type BoardCard = z.infer<typeof BoardCardSchema>;

/** One board: where its tasks stand, its team, its cost, and its tasks column by column. */
export const BoardViewSchema = z.object({
  name: z.string(),
  total: z.number(),
  counts: z.record(BoardStatusSchema, z.number()),
  /** Every task is done or cancelled (and there is at least one). */
  all_done: z.boolean(),
  stuck: z.array(z.string()),
  team: z.array(z.object({ name: z.string(), vendor: z.string().optional() })),
  /** The members' turns on it: how many, what they cost in all, and how many did not say their cost. */
  turns: z.number(),
  cost_usd: z.number(),
  unknown_cost_turns: z.number(),
  /** One column per state, in {@link BOARD_COLUMNS} order, each with its cards in the order they were added. */
  columns: z.array(z.object({ status: BoardStatusSchema, cards: z.array(BoardCardSchema) })),
  /** When its journal last changed, ISO 8601. */
  updated_at: z.string().optional(),
});
export type BoardView = z.infer<typeof BoardViewSchema>;
