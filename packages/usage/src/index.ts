// Public API of @subagent-mcp/usage: what sub-agents and workers spent, in tokens and dollars,
// read from their journals and turn logs and priced per model.
export { DEFAULT_PRICES } from "./default-prices.js";
export { costText, renderUsage } from "./format.js";
export { UsageError, type UsageErrorCode } from "./errors.js";
export { costOf, findPrice, mergePrices, turnCost } from "./lookup.js";
export { orderRules } from "./rules.js";
export { liveUsage, PriceSchema, PriceTableSchema, recordedUsage, type LiveUsage, type Price, type PriceTable, type TokenUsage } from "./schema.js";
export { parseSince } from "./since.js";
export { GroupBySchema, summarizeUsage, type GroupBy, type SummarizeOptions, type UsageRow, type UsageSource, type UsageSummary } from "./summarize.js";
export { agentTurns, workerTurns, type TurnRecord } from "./turns.js";
