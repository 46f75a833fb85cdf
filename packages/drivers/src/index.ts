// Public API of @subagent-mcp/drivers: one driver per CLI protocol, plus the shared process,
// framing and executable-resolution pieces they are built from.
export { ClaudeDriver } from "./claude.js";
export { CodexDriver } from "./codex.js";
export { AcpDriver } from "./acp.js";
export { startsMcpServers } from "./acp-mcp-probe.js";
export { acpAgents } from "./acp-agent.js";
export { CliDriver } from "./cli-driver.js";
export { driverFor } from "./driver-for.js";
export { createDrivers, type DriversConfig } from "./create-drivers.js";
export { compatTable } from "./compat.js";
export { checkCompat, compareReleases, describeCompat, handshakeFindings, parseRelease } from "./compat-check.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { DriverError, type DriverErrorCode } from "./errors.js";
export { resolveExecutable, lookupFiles } from "./resolve.js";
export { spawnCli } from "./process.js";
export { mcpToolName } from "./tool-names.js";
export { runCheckCommand } from "./check-command.js";
export { descendants, treeRssMb } from "./internal/tree.js";
