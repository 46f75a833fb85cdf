// Public API of @subagent-mcp/server: the MCP server (transport-free) and the pieces the CLI needs to
// serve it (its configuration is @subagent-mcp/config). It loads no CLI driver, no agent-definition parser and no HTTP
// server, so that answering `initialize` and `tools/list` costs only the MCP SDK and the schemas;
// `@subagent-mcp/server/runtime` holds those, which a server loads on its first call that needs them.
export { createServer } from "./server.js";
export { OnFirstUse } from "./runtime/first-use.js";
export { TOOLSETS, type ServerDeps, type Toolset } from "./deps.js";
export { pruneServerRecords } from "@subagent-mcp/state/server-records";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { ServerError, type ServerErrorCode } from "./errors.js";
export type { FleetAccess, RemoteAsks } from "./deps.js";
export type { OrchestrationState } from "./tools/orchestration-mode.js";
export { capToolResult, stdioTransport } from "@subagent-mcp/mcp-transport";
