// Public API of @subagent-mcp/worker: an always-on agent that answers its mailbox.
export { Worker, WORKER_DEFAULTS, WORKER_STOP_SIGNAL } from "./worker.js";
export { WorkerFiles } from "./state.js";
export type { WorkerSpec } from "./worker-session.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { WorkerError, type WorkerErrorCode } from "./errors.js";
export { parseApproval, PendingApprovals, pendingOfAllWorkers, PendingApprovalSchema, workerRules, type PendingApproval } from "./approval.js";
export { approvalAnswer, readAnswer, withoutKey } from "./answer.js";
export { effectiveBudget, raiseFlag, spentFrom, WorkerBudget } from "./budget.js";
export { readBudgetFile, readStatus, writeBudgetFile, type WorkerStatus } from "./budget-files.js";
