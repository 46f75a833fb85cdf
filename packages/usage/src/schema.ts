// Price tables as data: the built-in one, and the `prices` section of a config file. This module
// loads only zod, so a config schema can use it without loading the rest of the package.
import { z } from "zod";

/** A model's list price in USD per million tokens. */
export const PriceSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  /** Cached input read (default: the input price). */
  cache_read: z.number().nonnegative().optional(),
  /** Input written to the cache (default: the input price). */
  cache_write: z.number().nonnegative().optional(),
  /** The CLI's input count already includes the cached tokens (OpenAI's convention): they are priced once, as cache reads. */
  input_includes_cache_read: z.boolean().optional(),
  /** Other ids of the same model (e.g. Claude Code's alias "sonnet"). */
  aliases: z.array(z.string().min(1)).optional(),
  /** Where the number comes from. */
  source: z.string().optional(),
  /** When it was read (YYYY-MM or YYYY-MM-DD). */
  as_of: z.string().optional(),
});
export type Price = z.infer<typeof PriceSchema>;

/**
 * Prices by model id. A key ending in `*` is a family rule that matches every id it prefixes
 * ("claude-sonnet-*"); the longest matching rule wins, after exact ids and aliases.
 */
export const PriceTableSchema = z.record(z.string().min(1), PriceSchema);
export type PriceTable = z.infer<typeof PriceTableSchema>;

/** Token counts of one turn, as journals record them. */
export interface TokenUsage {
  input: number;
  output: number;
  cache_read?: number;
  cache_write?: number;
}

/** Token counts as our processes hold them (core's `Usage`). */
export interface LiveUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * The one conversion between the two spellings of token counts: camelCase in our processes,
 * snake_case in journals, on the wire and in price tables.
 */
export function recordedUsage(usage: LiveUsage): Required<TokenUsage> {
  return { input: usage.input, output: usage.output, cache_read: usage.cacheRead, cache_write: usage.cacheWrite };
}

/** {@link recordedUsage} undone; a count a record lacks is 0. */
export function liveUsage(usage: TokenUsage): LiveUsage {
  return { input: usage.input, output: usage.output, cacheRead: usage.cache_read ?? 0, cacheWrite: usage.cache_write ?? 0 };
}
