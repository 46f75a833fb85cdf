// Price tables as data (the built-in one, a config file's `prices`), the token counts a cost is
// computed from and a usage summary's rows: this module loads only zod and the contract, so a config
// or a tool schema can use it without loading the rest of the package.
import { RecordedUsageSchema } from "@subagent-mcp/contract";
import { z } from "zod";

export { PriceTableSchema, type Price, type PriceTable, type SpendCap, type SpendCaps } from "@subagent-mcp/contract";

/** What a turn's cost is computed from: recorded counts, where a missing cache count is 0. */
export const TokenUsageSchema = RecordedUsageSchema.partial({ cache_read: true, cache_write: true });
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

/** How usage rows are grouped. */
export const GroupBySchema = z.enum(["agent", "provider", "model", "day", "category"]);
export type GroupBy = z.infer<typeof GroupBySchema>;

/** One row of a usage summary: the usage tool's, defined by the wire contract. */
export type { UsageRow } from "@subagent-mcp/contract";
