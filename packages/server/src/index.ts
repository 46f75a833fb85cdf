// Public API of @subagent-mcp/server: the MCP server (transport-free), its configuration, and the
// pieces the CLI needs to run it. It loads no CLI driver, no agent-definition parser and no HTTP
// server, so that answering `initialize` and `tools/list` costs only the MCP SDK and the schemas;
// `@subagent-mcp/server/runtime` holds those, which a server loads on its first call that needs them.
export { createServer, type SubagentServer } from "./server.js";
export { OnFirstUse } from "./first-use.js";
export { TOOLSETS, type ServerDeps, type Toolset } from "./deps.js";
export type { WorktreeSettings } from "./worktrees.js";
export type { JournalSettings } from "./journal.js";
export type { ControlSettings } from "./control-endpoint.js";
export { pruneServerRecords } from "./server-registry.js";
export { ServerError, type ServerErrorCode } from "./errors.js";
export { BUDGET_LEFT_ENV, budgetLeftFrom } from "./tree-budget.js";
export { TREE_BUDGET_URL_ENV, treeUrlFrom } from "./tree-wire.js";
export {
  AGENT_LINEAGE_ENV,
  CEILING_ENV,
  ceilingFrom,
  checkDepth,
  childEnv,
  DEPTH_ENV,
  depthFrom,
  LINEAGE_ENV,
  lineageFrom,
  MAX_DEPTH_ENV,
  NAME_ENV,
  TOOLS_CEILING_ENV,
} from "./nesting.js";
export { messagingIdentity, SHARED_INBOX, SharedInbox, type MessagingIdentity } from "./identity.js";
export type { FleetAccess, RemoteAsks } from "./deps.js";
export { effectiveMailbox, MAILBOX_ENV, MailboxConfigSchema, mailboxEnv, type MailboxConfig } from "./mailbox-config.js";
export { CONFIG_DEFAULTS, withDefaults } from "./defaults.js";
export { readShared, SharedHeadroom } from "./headroom.js";
export { composeRankInputs } from "./routing-choice.js";
export { ConfigSchema, loadConfig, privilegedSettings, userConfigPath, type Config, type EffectiveConfig } from "./config.js";
export { definitionPrivileges, trustCommand, UNTRUSTED_PERMISSION_MODES, UNTRUSTED_TOOLS } from "./project-policy.js";
export {
  PROJECT_CONFIG,
  projectRoot,
  projectExecutables,
  projectProviders,
  projectTrustFiles,
  sha256,
  TrustFileSchema,
  TrustRecordSchema,
  trustFilePath,
  TrustStore,
  type TrustRecord,
  type TrustStatus,
} from "./trust.js";
export { providerFiles, type ProviderEntry } from "./provider-files.js";
export type { DefinitionSet, DefinitionSource, Lineage, PoolDefinition } from "./pool-catalog.js";
export type { OrchestrationState } from "./tools/orchestration-mode.js";
export { CHILD_SERVER } from "./tools/launch-parts.js";
export { BoundedStdioServerTransport, stdioTransport, type BoundedStdioOptions } from "./stdio-transport.js";
export { capToolResult, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RESULT_CHARS, limitsFrom, type Limits } from "./limits.js";
