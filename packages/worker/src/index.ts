// Public API of @subagent-mcp/worker: an always-on agent that answers its mailbox.
export { Worker, type WorkerOptions } from "./worker.js";
export { conversations, renderTurn, type Conversation } from "./conversation.js";
export { SavedSessionSchema, TurnLogSchema, WorkerFiles, type SavedSession, type TurnLog } from "./state.js";
export { WorkerError, type WorkerErrorCode } from "./errors.js";
export { APPROVAL_THREAD_PREFIX, parseApproval, PendingApprovals, PendingApprovalSchema, workerRules, type PendingApproval } from "./approval.js";
export { Approver, type ApproverOptions } from "./approver.js";
