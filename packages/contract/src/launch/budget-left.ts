import { z } from "zod";

/**
 * What an agent had left of its budget, as JSON limits (each 0 or more): the value of
 * `BUDGET_LEFT_ENV` a server passes down.
 */
export const LeftSchema = z.strictObject({
  max_cost_usd: z.number().nonnegative().optional(),
  max_tokens: z.number().nonnegative().optional(),
  max_turns: z.number().nonnegative().optional(),
  max_seconds: z.number().nonnegative().optional(),
});
