// Public API of @subagent-mcp/contract: every shape two packages share, one definition each (zod
// schemas and their types): the vocabulary under the lifecycle (provider names, token counts,
// statuses, permission requests and modes) and the wire between a server and everything that reads
// it (the dashboard and its page, the demo, the bench). Imports nothing of ours but errors.
export { BUILTIN_PROVIDERS, BuiltinProviderSchema, ProviderSchema, type BuiltinProvider, type Provider } from "./provider.js";
export { addUsage, liveUsage, recordedUsage, RecordedUsageSchema, UsageSchema, ZERO_USAGE, type RecordedUsage, type Usage } from "./tokens.js";
export { AgentStatusSchema, type AgentStatus } from "./status.js";
export { EscalateSchema, type Escalate } from "./escalate.js";
export {
  PermissionDecisionSchema,
  PermissionKindSchema,
  PermissionRequestSchema,
  type PermissionDecision,
  type PermissionKind,
  type PermissionRequest,
} from "./permission-request.js";
export {
  acpModeIds,
  acpModeKeyOf,
  AcpModeKeySchema,
  codexSandboxOf,
  geminiApprovalOf,
  LEVEL,
  levelRank,
  MODE,
  PERMISSION_LEVELS,
  permissionLevelOf,
  PermissionLevelSchema,
  PermissionModeSchema,
  type AcpModeKey,
  type PermissionLevel,
} from "./permission-modes.js";
export { CONTROL_URL, ServerRecordSchema, type ServerRecord } from "./server-record.js";
export { definedFields, type DefinedFields } from "./fields.js";
export { CHANGE_EVENT, ChangeEventSchema, type ChangeEvent } from "./change-event.js";
export { RemoteWorktreeSchema, worktreeOut, WorktreeOutSchema, type RemoteWorktree, type WorktreeOut } from "./worktree.js";
export { BudgetOutSchema, FinishedTurnSchema, PendingPermissionOutSchema, PermissionOutSchema, WireStatusSchema } from "./wire.js";
export {
  AgentRowSchema,
  ListAgentsOutput,
  ListMachinesOutput,
  MachineSchema,
  machineOut,
  NodeInfoSchema,
  PollAgentOutput,
  type AgentRow,
  type Machine,
  type NodeInfo,
} from "./agents.js";
export { KillAgentOutput, LaunchAgentOutput, WaitOutput } from "./lifecycle.js";
export { InvokeOutput, ListPoolOutput, ReplicaSchema, type Replica } from "./pool.js";
export {
  TimelineMarkSchema,
  TimelineRowSchema,
  TimelineSchema,
  TimelineTurnSchema,
  type Timeline,
  type TimelineMark,
  type TimelineRow,
  type TimelineTurn,
} from "./timeline.js";
export { TranscriptOutput, TurnOutSchema, type TurnOut } from "./transcript.js";
export { UsageOutput, UsageRowSchema, type UsageRow } from "./usage.js";
export type {
  InvokeResult,
  KillAgentResult,
  LaunchAgentResult,
  ListAgentsResult,
  ListPoolResult,
  PollAgentResult,
  TranscriptResult,
  UsageResult,
  WaitResult,
} from "./results.js";
export {
  ActionReplySchema,
  AgentDetailSchema,
  DashboardStateSchema,
  ListPoolResultSchema,
  MailboxViewSchema,
  PastAgentViewSchema,
  PermissionRequestViewSchema,
  PollAgentResultSchema,
  ServerViewSchema,
  TranscriptResultSchema,
  UsageDayViewSchema,
  WorkerPermissionViewSchema,
  WorkerViewSchema,
  type ActionReply,
  type AgentDetail,
  type DashboardState,
  type MailboxView,
  type PastAgentView,
  type PermissionRequestView,
  type ServerView,
  type UsageDayView,
  type WorkerPermissionView,
  type WorkerView,
} from "./dashboard.js";
export { MESSAGING_TOOLS } from "./messaging.js";
export { SavedSessionSchema, TurnLogSchema, type SavedSession, type TurnLog } from "./worker-log.js";
export { FLEET_KEY_ENV, withoutSecrets } from "./secret-env.js";
export {
  AGENT_LINEAGE_ENV,
  BUDGET_LEFT_ENV,
  CEILING_ENV,
  DEPTH_ENV,
  LINEAGE_ENV,
  MAX_DEPTH_ENV,
  NAME_ENV,
  TOOLS_CEILING_ENV,
  TREE_BUDGET_URL_ENV,
} from "./nesting-env.js";
