// Public API of @subagent-mcp/config: the user's and the project's config (one schema assembled from
// the slices each feature's package owns), its loading, the user's trust in a project, and the
// environment a server passes down to its sub-agents. Light on purpose: every command of the CLI
// and the MCP server's start read it. The agent-definition loader is `@subagent-mcp/agents/pool`
// (it loads more); the drivers a config names are made by `@subagent-mcp/drivers`' `createDrivers`.
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { ConfigError, type ConfigErrorCode } from "./errors.js";
export { ConfigSchema, loadConfig, privilegedSettings, userConfigPath, type Config, type EffectiveConfig } from "./config.js";
export { CONFIG_DEFAULTS, withDefaults } from "./defaults.js";
export { definitionPrivileges, trustCommand, untrustedReason } from "./project-policy.js";
export { PROJECT_CONFIG, projectExecutables, projectProviders, projectTrustFiles, sha256, TrustStore, type TrustRecord } from "./trust.js";
export { providerFiles } from "./provider-files.js";
export { ceilingFrom, childEnv, depthFrom, lineageFrom } from "./nesting.js";
export { budgetLeftFrom } from "./budget-env.js";
export type { DefinitionSet, DefinitionSource, PoolDefinition } from "./pool-definition.js";
