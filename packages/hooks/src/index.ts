// Public API of @subagent-mcp/hooks: host-config installers (MCP server entries in Claude Code,
// Codex and Gemini CLI configs) and the managed instructions block, each reversible exactly.
export { applyChange, readOrNull, revertChange, writeAtomic, type FileChange } from "./files.js";
export { HOSTS, mcpConfigPath, planServer, SERVER_NAME, withoutServer, withServer, type Host, type HostContext, type ServerLaunch } from "./hosts.js";
export { INSTRUCTIONS, instructionFiles, planInstructions } from "./instructions.js";
export { BLOCK_BEGIN, BLOCK_END, removeManagedBlock, upsertManagedBlock } from "./managed-block.js";
export { readRecord, recordChanges, stateDir, writeRecord, type RecordedChange } from "./record.js";
export { removeJsonc, setJsonc } from "./jsonc.js";
export { codexServerBlock, removeTomlBlock, upsertTomlBlock } from "./toml-block.js";
export { isOrchestrating, modeFile, setOrchestrating } from "./mode.js";
export { claudeHook, DIRECTIVE, type ClaudeHookInput, type HookContext } from "./handlers.js";
export { claudeSettingsPath, planClaudeHooks, removeClaudeHooks, withClaudeHooks } from "./claude-hooks.js";
