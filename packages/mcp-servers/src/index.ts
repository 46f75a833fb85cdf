// Public API of @subagent-mcp/mcp-servers: the user's own MCP servers, read from each host's config
// (Claude Code, Codex, Gemini CLI, Qwen Code, OpenCode), named, and resolved into the one spec the
// drivers start (contract's McpServerSpec), for a sub-agent to be handed.
export { type CatalogEntry, type LookupContext } from "./catalog.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { McpServersError, type McpServersErrorCode } from "./errors.js";
export { listMcpServers } from "./list.js";
export { formatCatalog, redactSpec } from "./redact.js";
export { resolveMcpServers } from "./resolve.js";
