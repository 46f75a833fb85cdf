// Public API of @subagent-mcp/hooks: host-config installers (MCP server entries in Claude Code,
// Codex and Gemini CLI configs), orchestration-mode hooks for all three, and the managed
// instructions block, each reversible exactly.
export { HooksError, inFile, type HooksErrorCode, type TextPosition } from "./errors.js";
export { applyChange, applyRevert, planRevert, readOrNull, revertChange, type FileChange, type Revert } from "./files.js";
export { assertWritable, ensurePrivateDir, writeAtomic, writePrivate, writeTarget, type WriteOptions } from "./safe-write.js";
export { HOSTS, mcpConfigPath, planServer, SERVER_NAME, withoutServer, withServer, type Host, type HostContext, type ServerLaunch } from "./hosts.js";
export { INSTRUCTIONS, instructionFiles, planInstructions } from "./instructions.js";
export { BLOCK_BEGIN, BLOCK_END, removeManagedBlock, upsertManagedBlock } from "./managed-block.js";
export { readRecord, recordChanges, stateDir, writeRecord, type RecordedChange } from "./record.js";
export { removeJsonc, setJsonc } from "./jsonc.js";
export { codexServerBlock, HOOKS_MARKERS, removeTomlBlock, SERVER_MARKERS, upsertTomlBlock } from "./toml-block.js";
export { isOrchestrating, modeFile, setOrchestrating } from "./mode.js";
export { claudeHook, codexHook, DIRECTIVE, geminiHook, HOOK_HOSTS, hostHook, nativeSubagentTools, type ClaudeHookInput, type HookContext, type HookHost, type HookInput } from "./handlers.js";
export { claudeSettingsPath, removeClaudeHooks, withClaudeHooks } from "./claude-hooks.js";
export { geminiSettingsPath, removeGeminiHooks, withGeminiHooks } from "./gemini-hooks.js";
export { codexHookHash, removeCodexHooks, withCodexHooks } from "./codex-hooks.js";
export { hooksPath, planHooks, removeHooks, withHooks } from "./host-hooks.js";
