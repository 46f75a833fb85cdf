// Public API of @subagent-mcp/drivers: one driver per CLI protocol, plus the shared process,
// framing and executable-resolution pieces they are built from.
export { ClaudeDriver, claudeArgs } from "./claude.js";
export { CodexDriver } from "./codex.js";
export { AcpDriver, geminiArgs, type AcpDriverOptions } from "./acp.js";
export { CliDriver, type CliCommand, type CliDescription } from "./cli-driver.js";
export { driverFor } from "./driver-for.js";
export type { Probe } from "./handshake.js";
export type { CliDriverOptions } from "./options.js";
export { DriverError, type DriverErrorCode } from "./errors.js";
export { LineFramer, parseLine, DEFAULT_MAX_LINE_BYTES, type ParsedLine } from "./framing.js";
export { resolveExecutable, executableEnvVar, DEFAULT_COMMANDS } from "./resolve.js";
export { spawnCli, type CliProcess, type ProcessExit, type SpawnOptions } from "./process.js";
export { mcpToolName } from "./tool-names.js";
export { boundedInput, PERMISSION_INPUT_BYTES } from "./permissions.js";
export { descendants, isAlive, treeRssMb } from "./internal/tree.js";
