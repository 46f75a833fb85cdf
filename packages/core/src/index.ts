// Public API of @subagent-mcp/core: the agent lifecycle, normalized events, the driver contract,
// the failure classes that decide failover, and the supervisor. No I/O of its own beyond the
// timers of the clock it is given.
export { AgentEventSchema, RateLimitStatusSchema, type AgentEvent, type RateLimitStatus } from "./events.js";
export { MAX_PENDING_PERMISSIONS, initialState, isRunning, transition, type AgentAction, type AgentState, type PendingPermission } from "./state.js";
export { TailBuffer } from "./tail.js";
export { RecentItems } from "./recent.js";
export type { Driver, McpServerSpec, PermissionRuling, Session, SessionSpec } from "./driver.js";
export type { Clock } from "./clock.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { CoreError, type CoreErrorCode } from "./errors.js";
export { SafeName } from "./names.js";
export { checkLaunchEnv, LAUNCH_ENV_ALLOWED, launchEnvRefusal } from "./launch-env.js";
export type { AgentChange, AgentView, LaunchOnly, LaunchRequest, PermissionEvent, TurnReport } from "./agent.js";
export { sessionSpecOf } from "./session-spec.js";
export { describeCandidate, type CheckOutcome, type FailoverAttempt, type Fallback } from "./candidate.js";
export { checkFailedNote, escalationReason, handOverPrompt, suspectOf } from "./escalation.js";
export type { TurnClose, TurnWitness } from "./witness.js";
export { classifyFailure, errorEvent } from "./failure.js";
export { Supervisor } from "./supervisor.js";
export { RateLimits, type RateWindow } from "./rate-limits.js";
export { DEFAULT_STALL_MS, type RateLimitStore, type SupervisorOptions } from "./supervisor-options.js";
export type { PermissionReport, WaitResult } from "./waiters.js";
export { DEFAULT_PERMISSION_TIMEOUT_MS } from "./permission-timers.js";
export { DEFAULT_CAP } from "./admission.js";
export { SlotQueue } from "./slot-queue.js";
export { liveBound } from "./bounds.js";
export { Pool } from "./pool.js";
export { poolLabel, poolOf, type PoolIdentity } from "./pool-identity.js";
export type { InvokeResult, PoolAgentSpec, ReplicaView, ResetStrategy } from "./pool-spec.js";
export { BudgetSchema, budgetTokens, standing, type Budget, type Spent } from "./budget.js";
export type { CostOf } from "./spending.js";
