// Public API of @subagent-mcp/drivers: one driver per CLI protocol, plus the shared process,
// framing and executable-resolution pieces they are built from.
export { ClaudeDriver } from "./claude/claude.js";
export { CodexDriver } from "./codex/codex.js";
export { AcpDriver } from "./acp/acp.js";
export { startsMcpServers } from "./acp/acp-mcp-probe.js";
export { acpAgents } from "./acp/acp-agent.js";
export { CliDriver } from "./driver/cli-driver.js";
export { driverFor } from "./driver/driver-for.js";
export { createDrivers, type DriversConfig } from "./driver/create-drivers.js";
export { compatTable } from "./compat/compat.js";
export { checkCompat, compareReleases, describeCompat, handshakeFindings, parseRelease } from "./compat/compat-check.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { DriverError, type DriverErrorCode } from "./errors.js";
export { resolveExecutable, lookupFiles } from "./process/resolve.js";
export { spawnCli } from "./process/process.js";
export { mcpToolName } from "./permissions/tool-names.js";
export { runCheckCommand } from "./process/check-command.js";
export { descendants, treeRssMb } from "./internal/tree.js";
