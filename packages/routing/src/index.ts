// Public API of @subagent-mcp/routing: task categories, the routing table, candidate selection,
// failure classes and failover. Pure: the caller supplies what needs I/O (installed CLIs, files).
export { CATEGORY_DESCRIPTIONS, TaskCategorySchema, type TaskCategory } from "./categories.js";
export { BranchSchema, CandidateSchema, DEFAULT_TABLE, RoutingTableSchema, type Branch, type Candidate, type RoutingTable } from "./table.js";
export { selectCandidates, type Route, type RouteRequest } from "./select.js";
export { classifyFailure, type FailureClass } from "./classify.js";
export { describeAttempts, describeCandidate, failover, type Attempt, type AttemptOutcome } from "./failover.js";
export { mergeRoutingTable, parseRoutingConfig, RoutingConfigSchema, type RoutingConfig } from "./config.js";
export { RoutingError, type RoutingErrorCode } from "./errors.js";
