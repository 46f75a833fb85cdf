// Public API of @subagent-mcp/usage: what sub-agents and workers spent, in tokens and dollars,
// read from their journals and turn logs and priced per model.
export { DEFAULT_PRICES } from "./default-prices.js";
export { costText, renderUsage } from "./format.js";
export { UsageError, type UsageErrorCode } from "./errors.js";
export { costOf, findPrice, mergePrices, recordedCost, turnCost } from "./lookup.js";
export { orderRules } from "./rules.js";
export {
  GroupBySchema,
  PriceSchema,
  PriceTableSchema,
  TokenUsageSchema,
  UsageRowSchema,
  type GroupBy,
  type Price,
  type PriceTable,
  type TokenUsage,
  type UsageRow,
} from "./schema.js";
export { parseSince } from "./since.js";
export { addTurn, emptyRow, summarizeUsage, type SummarizeOptions, type UsageSource, type UsageSummary } from "./summarize.js";
export { agentTurns, workerTurns, type TurnRecord } from "./turns.js";
