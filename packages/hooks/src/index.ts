// Public API of @subagent-mcp/hooks: orchestration mode and the hook handlers Claude Code, Codex and
// Gemini CLI run on every prompt, tool call, turn end and session start, what waits for an
// orchestrator (published by its server for those hooks), and what those hooks are made of (for setup to
// write them). The files they keep are @subagent-mcp/state's.
export { handlerCommand, HOOK_EVENTS, HOOK_HOSTS, nativeSubagentTools, type HookHost } from "./events.js";
export { claudeHook, codexHook, DIRECTIVE, geminiHook, hostHook, type ClaudeHookInput, type HookContext, type HookInput } from "./handlers.js";
export { isOrchestrating, modeFile, scopeFileName, setOrchestrating } from "./mode.js";
export {
  pendingFile,
  readPending,
  removePending,
  somethingWaits,
  pendingWriter,
  writePending,
  type Pending,
  type PendingAgent,
  type PendingPermissionRequest,
  type PendingWriter,
} from "./pending.js";
export { pendingDigest, stopReason } from "./waiting.js";
