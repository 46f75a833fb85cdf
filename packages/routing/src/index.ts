// Public API of @subagent-mcp/routing: task categories, the routing table and candidate selection.
// Pure: the caller supplies what needs I/O (installed CLIs, files). Failure classes and failover
// live in @subagent-mcp/core, which runs them; a candidate is described the same way there.
export { CATEGORY_DESCRIPTIONS, TaskCategorySchema, type TaskCategory } from "./categories.js";
export { BranchSchema, DEFAULT_TABLE, type Branch, type Candidate, type RoutingTable } from "./table.js";
export { selectCandidates, type Route } from "./select.js";
export { DEFAULT_TYPICAL_TURN, rankCandidates, type Headroom, type RankedCandidate, type RankInputs, type Ranking } from "./rank.js";
export { describeCandidate } from "@subagent-mcp/core";
export { mergeRoutingTable, parseRoutingConfig, RoutingConfigSchema, type RoutingConfig } from "./config.js";
export { overQuota, quotaReason } from "./quota.js";
export { composeRankInputs } from "./rank-inputs.js";
export { DEFAULT_ESCALATION_STEPS, escalationLadder } from "./escalate.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { RoutingError, type RoutingErrorCode } from "./errors.js";
