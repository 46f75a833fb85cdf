// Public API of @subagent-mcp/worker: an always-on agent that answers its mailbox.
export { Worker, WORKER_DEFAULTS, type WorkerOptions } from "./worker.js";
export { conversations, renderTurn, type Conversation } from "./conversation.js";
export { WorkerFiles } from "./state.js";
export { WorkerError, type WorkerErrorCode } from "./errors.js";
export {
  APPROVAL_THREAD_PREFIX,
  parseApproval,
  PendingApprovals,
  pendingOfAllWorkers,
  PendingApprovalSchema,
  workerRules,
  type PendingApproval,
} from "./approval.js";
export { Approver, type ApproverOptions } from "./approver.js";
export { approvalAnswer, howToAnswer, readAnswer, withoutKey, type KeyedAnswer } from "./answer.js";
export {
  addSpent,
  effectiveBudget,
  pauseLine,
  RAISE_FLAGS,
  raiseFlag,
  spentFrom,
  turnSpent,
  WorkerBudget,
  type TurnDefaults,
  type WorkerBudgetOptions,
} from "./budget.js";
export {
  BudgetFileSchema,
  readBudgetFile,
  readStatus,
  untilReady,
  WorkerSpentSchema,
  WorkerStatusSchema,
  writeBudgetFile,
  type BudgetFile,
  type WorkerSpent,
  type WorkerStatus,
} from "./budget-files.js";
