// Public API of @subagent-mcp/mcp-transport: how an MCP server's answers reach its client. The
// bounded stdio transport, the delivery that caps every tool result and reports whether it was
// written, the result cap and JSON sizing, and the MCP 2026-07-28 handshake with its tasks extension.
export { Delivery, DeliveryServer } from "./delivery.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { McpTransportError, type McpTransportErrorCode } from "./errors.js";
export { capToolResult, DEFAULT_MAX_RESULT_CHARS, jsonChars, limitsFrom, sliceToFit, waterLevel } from "./limits.js";
export { isMadeToSchema, madeToSchema } from "./made-to-schema.js";
/** @public the build (apps/cli/scripts/bundle.js) keeps what it gives for tools/list. */
export { listedSchemas } from "./premade-list.js";
export { serveTasks } from "./serve-tasks.js";
export { BoundedStdioServerTransport, stdioTransport } from "./stdio-transport.js";
export { taskStore } from "./task-settings.js";
export { TaskStore, type TaskControl, type TaskWork } from "./task-store.js";
export { acceptsForms, acceptsTasks } from "./tasks-wire.js";
export { transportView } from "./transport-view.js";
