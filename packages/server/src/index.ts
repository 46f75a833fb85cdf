// Public API of @subagent-mcp/server: the MCP server (transport-free) and the pieces the CLI needs to
// serve it (its configuration is @subagent-mcp/config). It loads no CLI driver, no agent-definition parser and no HTTP
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
export { checkDepth } from "./nesting.js";
export type { FleetAccess, RemoteAsks } from "./deps.js";
export type { Lineage } from "./pool-catalog.js";
export type { OrchestrationState } from "./tools/orchestration-mode.js";
export { CHILD_SERVER } from "./tools/launch-parts.js";
export { BoundedStdioServerTransport, stdioTransport, type BoundedStdioOptions } from "./stdio-transport.js";
export { capToolResult, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RESULT_CHARS, limitsFrom, type Limits } from "./limits.js";
