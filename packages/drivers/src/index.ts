// Public API of @subagent-mcp/drivers: one driver per CLI protocol, plus the shared process,
// framing and executable-resolution pieces they are built from.
export { ClaudeDriver, claudeArgs } from "./claude.js";
export { CodexDriver } from "./codex.js";
export { AcpDriver, type AcpDriverOptions } from "./acp.js";
export { startsMcpServers } from "./acp-mcp-probe.js";
export { geminiArgs } from "./gemini-args.js";
export { GEMINI_AGENT } from "./gemini-preset.js";
export { ACP_PRESETS, AcpAgentConfigSchema, acpAgents, acpModeFor, type AcpAgent, type AcpAgentConfig, type AcpNative, type LoadGuard } from "./acp-agent.js";
export { CliDriver, type CliCommand, type CliDescription } from "./cli-driver.js";
export { driverFor } from "./driver-for.js";
export type { Probe, ProbeAnswer } from "./handshake.js";
export {
  CliCompatSchema,
  CompatFeatureSchema,
  KnownIssueSchema,
  ReleaseRangeSchema,
  ReleaseSchema,
  compatTable,
  type CliCompat,
  type CompatFeature,
  type KnownIssue,
} from "./compat.js";
export {
  CompatResultSchema,
  CompatStatusSchema,
  checkCompat,
  compareReleases,
  describeCompat,
  handshakeFindings,
  parseRelease,
  type CompatResult,
  type CompatStatus,
} from "./compat-check.js";
export type { CliDriverOptions } from "./options.js";
export { DriverError, type DriverErrorCode } from "./errors.js";
export { LineFramer, parseLine, DEFAULT_MAX_LINE_BYTES, type ParsedLine } from "./framing.js";
export { resolveExecutable, lookupFiles, executableEnvVar, DEFAULT_COMMANDS, type Lookup } from "./resolve.js";
export { cliEnv, spawnCli, type CliProcess, type ProcessExit, type SpawnOptions } from "./process.js";
export { mcpToolName } from "./tool-names.js";
export { runCheckCommand } from "./check-command.js";
export { boundedInput, PERMISSION_INPUT_BYTES } from "./permissions.js";
export { descendants, isRunning, treeRssMb } from "./internal/tree.js";
