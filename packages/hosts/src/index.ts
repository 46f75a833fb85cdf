// Public API of @subagent-mcp/hosts: each host we wire ourselves into (Claude Code, Codex, Gemini
// CLI, Qwen Code, OpenCode, Claude Desktop; Copilot's and Cursor's project instructions), one
// adapter per host. What setup, init, update and uninstall change in its files (our MCP server
// entry, orchestration hooks, the managed instructions block), planned before anything is written
// and reversible exactly; whether it has us installed as its own plugin; and the user's own MCP
// servers read from its config, named and resolved into the spec a sub-agent's CLI is handed.
export { applyChange, applyRevert, Drafts, planRevert, readOrNull, type FileChange, type Revert } from "./files.js";
export { STARTUP_TIMEOUT_SEC, type HostContext } from "./host.js";
export { EDITORS, hostAdapter, HOSTS, notInstalled, PLUGIN_SHIPS_HOOKS, pluginInstall, type Host } from "./registry.js";
export { planHooks, planServer, removeOurs, replan } from "./plan.js";
export { editorInstructionFile, instructionFiles, planInstructions } from "./instructions.js";
export { readRecord, recordChanges, writeRecord, type RecordedChange } from "./record.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { HostsError, type HostsErrorCode } from "./errors.js";
export { EXTENSION_DIR, PLUGIN_DIR, pluginFiles } from "./plugin-files.js";
export { describePlugin, type PluginInstall } from "./plugin-record.js";
export { type LookupContext } from "./mcp/entries.js";
export { listMcpServers, registersUs, type CatalogEntry } from "./mcp/list.js";
export { formatCatalog, redactSpec } from "./mcp/redact.js";
export { resolveMcpServers } from "./mcp/resolve.js";
