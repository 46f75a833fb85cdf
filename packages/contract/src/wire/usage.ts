import { z } from "zod";

// What the usage tool returns.

/** One row of a usage summary: the turns of one agent, provider, model or day (UTC), and what they cost. */
const UsageRowSchema = z.object({
  key: z.string(),
  turns: z.number(),
  input: z.number(),
  output: z.number(),
  cache_read: z.number(),
  cache_write: z.number(),
  /** What the turns with a known cost cost; absent when no turn's cost is known. */
  cost_usd: z.number().optional().describe("Cost of the turns whose cost is known (the CLI's own, else tokens × the model's price)."),
  /** Every turn's cost is known (false: cost_usd covers only part of the turns, or none). */
  cost_known: z.boolean().describe("false: some turns' cost is unknown (no price for their model); cost_usd covers only the rest."),
  /** Turns whose model has no price and whose CLI reported no cost. */
  unknown_cost_turns: z.number(),
  /** With group_by "agent" (or "category"): the agent's provider, model and label. */
  provider: z.string().optional(),
  model: z.string().optional(),
  label: z.string().optional(),
  /** With group_by "category": one row per category and candidate (provider and model), with how it did. */
  category: z.string().optional(),
  success_rate: z.number().optional().describe('With group_by "category": the share of turns that ended without an error or interrupt (0-1).'),
  median_cost_usd: z.number().optional().describe('With group_by "category": the median known cost of a turn.'),
  median_duration_ms: z.number().optional().describe('With group_by "category": the median duration of a turn.'),
});
export type UsageRow = z.infer<typeof UsageRowSchema>;

export const UsageOutput = {
  group_by: z.string(),
  since: z.string().optional(),
  project: z.string().optional(),
  rows: z.array(UsageRowSchema),
  total: UsageRowSchema,
  skipped_lines: z.number().optional().describe("Journal or log lines that could not be read."),
};
