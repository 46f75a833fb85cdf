// Public API of @subagent-mcp/usage: what sub-agents and workers spent, in tokens and dollars,
// read from their journals and turn logs and priced per model.
export { DEFAULT_PRICES } from "./default-prices.js";
export { costText, renderUsage } from "./format.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { UsageError, type UsageErrorCode } from "./errors.js";
export { costOf, findPrice, mergePrices, recordedCost, turnCost } from "./lookup.js";
export { GroupBySchema, PriceTableSchema, type GroupBy, type PriceTable, type UsageRow } from "./schema.js";
export { capRows, problemText } from "./cap-rows.js";
export { capPeriods, capReached, capStandings, type CapStanding } from "./spend-caps.js";
export { SpendLedger, type LedgerEntry, type LedgerProblems, type SpendEntry } from "./spend-ledger.js";
export { reserveTurn } from "./reserve-turn.js";
export { spendEntry, withShared, withSharedTally, type SharedSpend } from "./spend-share.js";
export { SpendTally } from "./spend-tally.js";
export { parseSince } from "./since.js";
export { addTurn, emptyRow, summarizeUsage, type UsageSummary } from "./summarize.js";
export { summarizeBoards, type BoardUsageRow } from "./by-board.js";
export { agentTurns, workerTurns, type TurnRecord } from "./turns.js";
export { TurnCache } from "./turn-cache.js";
export { TURN_INDEX_FILE } from "./turn-index.js";
