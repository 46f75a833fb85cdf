// Public API of @subagent-mcp/host-config: what setup, init, update and uninstall change in Claude
// Code's, Codex's, Gemini CLI's, Qwen Code's, OpenCode's and Claude Desktop's files (our MCP server entry, orchestration hooks and
// the managed instructions block, also in Copilot's and Cursor's project files), one adapter per host,
// planned before anything is written and reversible exactly.
export { applyChange, applyRevert, Drafts, planRevert, readOrNull, type FileChange, type Revert } from "./files.js";
export { SERVER_NAME, type HostContext } from "./host.js";
export { hostAdapter, HOSTS, mcpConfigPath, notInstalled, type Host } from "./registry.js";
export { planHooks, planServer, removeOurs, replan } from "./plan.js";
export { EDITORS, editorInstructionFile, instructionFiles, planInstructions } from "./instructions.js";
export { readRecord, recordChanges, writeRecord, type RecordedChange } from "./record.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { HostConfigError, type HostConfigErrorCode } from "./errors.js";
export { EXTENSION_DIR, PLUGIN_DIR, pluginFiles } from "./plugin-files.js";
export { describePlugin, PLUGIN_SHIPS_HOOKS, pluginInstall, type PluginInstall } from "./plugin-install.js";
