// Public API of @subagent-mcp/contract: every shape two packages share, one definition each (zod
// schemas and their types): the vocabulary under the lifecycle (provider names, token counts,
// statuses, permission requests and modes) and the wire between a server and everything that reads
// it (the dashboard and its page, the demo, the bench). Imports nothing of ours but errors.
export { BUILTIN_PROVIDERS, ProviderSchema, type BuiltinProvider, type Provider } from "./provider.js";
export { addUsage, liveUsage, recordedUsage, RecordedUsageSchema, UsageSchema, ZERO_USAGE, type RecordedUsage, type Usage } from "./tokens.js";
export { AgentStatusSchema, type AgentStatus } from "./status.js";
export { checkOf, type Escalate } from "./launch/escalate.js";
export {
  BudgetSchema,
  launchOptionIssues,
  launchOptionRules,
  LaunchOptionsSchema,
  MAX_RULE_CHARS,
  MAX_RULES,
  type Budget,
  type McpServersRequest,
  type Review,
} from "./launch/launch-options.js";
export { needsTrust, TRUST_NEEDING_OPTIONS, trustNeeded } from "./launch/launch-trust.js";
export { McpServerSpecSchema, SERVER_NAME, type McpServerSpec } from "./launch/mcp-server.js";
export {
  receiptLine,
  ReceiptFilesSchema,
  ReceiptSchema,
  ToolKindSchema,
  type Receipt,
  type ReceiptCommand,
  type ReceiptFile,
  type ReceiptFiles,
  type ReceiptPermission,
  type ReceiptReview,
  type Suspect,
  type ToolKind,
  type TurnEnding,
} from "./wire/receipt.js";
export {
  PermissionDecisionSchema,
  PermissionRequestSchema,
  type PermissionDecision,
  type PermissionKind,
  type PermissionRequest,
} from "./permissions/permission-request.js";
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
  type PermissionLevel,
} from "./permissions/permission-modes.js";
export { ServerRecordSchema, type ServerRecord } from "./wire/server-record.js";
export { definedFields } from "./fields.js";
export { CHANGE_EVENT, ChangeEventSchema, type ChangeEvent } from "./wire/change-event.js";
export { RemoteWorktreeSchema, worktreeOut, WorktreeOutSchema, type RemoteWorktree, type WorktreeOut } from "./wire/worktree.js";
export { BudgetOutSchema, FinishedTurnSchema, PendingPermissionOutSchema, PermissionOutSchema, WireStatusSchema } from "./wire/wire.js";
export {
  ListAgentsOutput,
  ListMachinesOutput,
  MachineSchema,
  machineOut,
  NodeInfoSchema,
  PollAgentOutput,
  type AgentRow,
  type Machine,
  type NodeInfo,
} from "./wire/agents.js";
export { KillAgentOutput, LaunchAgentOutput, WaitOutput, type BoardEvent } from "./lifecycle.js";
export { InvokeOutput, ListPoolOutput, ReplicaSchema, type Replica } from "./wire/pool.js";
export { TimelineRowSchema, TimelineSchema, type Timeline, type TimelineMark, type TimelineRow, type TimelineTurn } from "./wire/timeline.js";
export { TranscriptOutput, type TurnOut } from "./wire/transcript.js";
export { UsageOutput, type UsageRow } from "./wire/usage.js";
export type { InvokeResult, KillAgentResult, LaunchAgentResult, ListAgentsResult, ListPoolResult, PollAgentResult, WaitResult } from "./wire/results.js";
/** @public read by the dashboard page's JSDoc types (packages/dashboard/ui/*.js), which knip does not follow. */
export type { ActionReply, AgentDetail } from "./wire/dashboard.js";
/** @public read by the dashboard page's JSDoc types (packages/dashboard/ui/*.js), which knip does not follow. */
export type { TranscriptResult } from "./wire/results.js";
export {
  DashboardStateSchema,
  type DashboardState,
  type MailboxView,
  type PastAgentView,
  PastPageSchema,
  type PastPage,
  type PermissionRequestView,
  type QuotaWindowView,
  type CapView,
  type ServerView,
  type UsageDayView,
  type WorkerPermissionView,
} from "./wire/dashboard.js";
export { BOARD_COLUMNS, BoardViewSchema, type BoardCard, type BoardView } from "./wire/board-view.js";
export { BOARD_MEMBER_TOOLS, MESSAGING_TOOLS } from "./wire/messaging.js";
export { SavedSessionSchema, TurnLogSchema, type SavedSession, type TurnLog } from "./wire/worker-log.js";
export { FLEET_KEY_ENV, withoutSecrets } from "./launch/secret-env.js";
export { gitConfigEnv, NO_REPOSITORY_PROGRAMS, withoutRepoGitEnv } from "./launch/git-env.js";
export { AGENT_LINEAGE_ENV, BUDGET_LEFT_ENV, CEILING_ENV, DEPTH_ENV, LINEAGE_ENV, MAX_DEPTH_ENV, NAME_ENV, TOOLS_CEILING_ENV } from "./launch/nesting-env.js";
export { LeftSchema } from "./launch/budget-left.js";
export { PLUGIN_POOL_DIR, PLUGIN_SERVER_PACKAGE } from "./wire/plugin.js";
export { type SandboxStatus } from "./wire/sandbox.js";
export { MAILBOX_ENV, MailboxConfigSchema, type MailboxConfig } from "./config-slices/mailbox.js";
export { FleetConfigSchema, type FleetConfig } from "./config-slices/fleet.js";
export { WorktreeConfigSchema } from "./config-slices/worktree.js";
export { ReceiptsConfigSchema, type ReceiptsConfig } from "./config-slices/receipts.js";
export { PriceTableSchema, SpendCapsSchema, type Price, type PriceTable, type SpendCap, type SpendCaps } from "./config-slices/prices.js";
export { SANDBOX_MODES, sandboxSetting, type SandboxMode } from "./config-slices/sandbox.js";
export { ACP_PRESET_PROVIDERS, AcpAgentConfigSchema, resolveAcpAgents, type AcpAgentConfig, type AcpAgentSpec } from "./config-slices/acp-agents.js";
export { capEnvVar, DEFAULT_AGENT_NICE, executableEnvVar } from "./config-slices/agent-process.js";
export { ENV_SETTINGS, type EnvSetting } from "./config-slices/env-settings.js";
