// What a server needs before it runs any CLI: how each CLI names tools, where its executable is,
// line framing, process-tree sizes and the error class. None of it loads execa or the ACP SDK, so an
// MCP server answers `initialize` without them; the drivers themselves come from the package's index.
export { DriverError, type DriverErrorCode } from "./errors.js";
export { DEFAULT_MAX_LINE_BYTES, LineFramer } from "./framing.js";
export { DEFAULT_COMMANDS, executableEnvVar, lookupFiles, resolveExecutable, type Lookup } from "./resolve.js";
export { mcpToolName } from "./tool-names.js";
export { treeRssMb } from "./internal/tree.js";
export { ACP_PRESETS, AcpAgentConfigSchema, acpAgents, type AcpAgent, type AcpAgentConfig } from "./acp-agent.js";
