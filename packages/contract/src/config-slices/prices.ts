// The config's `prices` and `spend_caps` slices: shapes the config and usage share, so they are the contract's.
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

/** One cap (config `spend_caps`): what a provider, or one of its models, may spend per UTC day and per ISO week (from Monday 00:00 UTC). */
export const SpendCapSchema = z.strictObject({
  day_usd: z.number().nonnegative().optional(),
  week_usd: z.number().nonnegative().optional(),
  day_turns: z.int().nonnegative().optional(),
  week_turns: z.int().nonnegative().optional(),
});
export type SpendCap = z.infer<typeof SpendCapSchema>;

/** Caps keyed by `provider` or `provider/model`, summed over every server and worker of the user (the state folder's spend ledger). */
export const SpendCapsSchema = z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*(\/\S+)?$/, "a provider or provider/model"), SpendCapSchema);
export type SpendCaps = z.infer<typeof SpendCapsSchema>;
