// Public API of @subagent-mcp/core: the agent lifecycle, normalized events, the driver contract,
// the failure classes that decide failover, and the supervisor. No I/O of its own beyond the
// timers of the clock it is given.
export { AgentEventSchema, RateLimitStatusSchema, TurnFilesSchema, type AgentEvent, type RateLimitStatus, type TurnFiles } from "./driver/events.js";
export { MAX_PENDING_PERMISSIONS, initialState, isRunning, transition, type AgentAction, type AgentState, type PendingPermission } from "./lifecycle/state.js";
export { TailBuffer } from "./lifecycle/tail.js";
export { RecentItems } from "./lifecycle/recent.js";
export type { Driver, McpServerSpec, PermissionRuling, Session, SessionSpec } from "./driver/driver.js";
export type { Clock } from "./supervisor/clock.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { CoreError, type CoreErrorCode } from "./errors.js";
export { SafeName } from "./lifecycle/names.js";
export { checkLaunchEnv, LAUNCH_ENV_ALLOWED, launchEnvRefusal } from "./driver/launch-env.js";
export type { AgentChange, AgentView, LaunchOnly, LaunchRequest, PermissionEvent, Prepared, TurnReport } from "./lifecycle/agent.js";
export { sessionSpecOf } from "./driver/session-spec.js";
export { describeCandidate, type CheckOutcome, type FailoverAttempt, type Fallback } from "./failover/candidate.js";
export { checkFailedNote, escalationReason, handOverPrompt, rejectedBy, rejectionOf, suspectOf } from "./failover/escalation.js";
export type { TurnClose, TurnWitness } from "./supervisor/witness.js";
export { classifyFailure, errorEvent } from "./failover/failure.js";
export { Supervisor } from "./supervisor/supervisor.js";
export { RateLimits, type RateWindow } from "./admission/rate-limits.js";
export { DEFAULT_STALL_MS, type RateLimitStore, type SupervisorOptions } from "./supervisor/supervisor-options.js";
export type { PermissionReport, WaitResult } from "./supervisor/waiters.js";
export { DEFAULT_PERMISSION_TIMEOUT_MS } from "./permissions/permission-timers.js";
export { DEFAULT_CAP } from "./admission/admission.js";
export { SlotQueue } from "./admission/slot-queue.js";
export { gated, LaunchGate } from "./admission/launch-gate.js";
export { liveBound } from "./admission/bounds.js";
export { Pool } from "./pool/pool.js";
export { poolLabel, poolOf, type PoolIdentity } from "./pool/pool-identity.js";
export type { InvokeResult, PoolAgentSpec, ReplicaView, ResetStrategy } from "./pool/pool-spec.js";
export { BudgetSchema, budgetTokens, standing, type Budget, type Spent } from "./budget/budget.js";
export type { CostOf } from "./budget/spending.js";
