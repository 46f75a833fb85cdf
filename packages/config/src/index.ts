// Public API of @subagent-mcp/config: the user's and the project's config (one schema assembled from
// the slices each feature's package owns), its loading, the user's trust in a project, and the
// environment a server passes down to its sub-agents. Light on purpose: every command of the CLI
// and the MCP server's start read it. The agent-definition loader is `@subagent-mcp/config/definitions`
// and the drivers made from a config are `@subagent-mcp/config/drivers` (both load more).
export { ConfigError, type ConfigErrorCode } from "./errors.js";
export { ConfigSchema, loadConfig, privilegedSettings, userConfigPath, type Config, type EffectiveConfig } from "./config.js";
export { CONFIG_DEFAULTS, withDefaults } from "./defaults.js";
export { effectiveMailbox } from "./mailbox.js";
export { definitionPrivileges, trustCommand, untrustedReason, UNTRUSTED_PERMISSION_MODES, UNTRUSTED_TOOLS } from "./project-policy.js";
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
export { ceilingFrom, childEnv, depthFrom, lineageFrom } from "./nesting.js";
export { budgetLeftEnv, budgetLeftFrom, LeftSchema, treeUrlFrom } from "./budget-env.js";
export { messagingIdentity, SHARED_INBOX, SharedInbox, type MessagingIdentity } from "./identity.js";
export { readShared, SharedHeadroom } from "./headroom.js";
export { composeRankInputs, type CategoryTypicals, type RankSources } from "./rank-inputs.js";
export type { DefinitionSet, DefinitionSource, PoolDefinition } from "./definitions.js";
