// Token counts as every provider's usage is summed: a turn's, an agent's, a day's.
import { z } from "zod";

/** Token counts, summed the same way for every provider. */
export const UsageSchema = z.object({
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
  cacheRead: z.number().int().nonnegative(),
  cacheWrite: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof UsageSchema>;

/** Zero usage, the start of every total. */
export const ZERO_USAGE: Usage = Object.freeze({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });

/** Adds two usage records. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
  };
}

/**
 * Token counts of one turn as they are recorded: in journals, in the workers' turn logs' readers,
 * on the MCP wire and in usage rows (snake_case, like the price table). Our processes hold them as {@link Usage}.
 */
export const RecordedUsageSchema = z.object({ input: z.number(), output: z.number(), cache_read: z.number(), cache_write: z.number() });
export type RecordedUsage = z.infer<typeof RecordedUsageSchema>;

/** The one conversion between the two spellings of token counts: camelCase in our processes, snake_case in records. */
export function recordedUsage(usage: Usage): RecordedUsage {
  return { input: usage.input, output: usage.output, cache_read: usage.cacheRead, cache_write: usage.cacheWrite };
}

/** {@link recordedUsage} undone; a count a record lacks is 0. */
export function liveUsage(usage: Pick<RecordedUsage, "input" | "output"> & Partial<RecordedUsage>): Usage {
  return { input: usage.input, output: usage.output, cacheRead: usage.cache_read ?? 0, cacheWrite: usage.cache_write ?? 0 };
}
