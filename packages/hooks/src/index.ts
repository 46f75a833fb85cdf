// Public API of @subagent-mcp/hooks: orchestration mode and the hook handlers Claude Code, Codex and
// Gemini CLI run on every prompt, tool call, turn end and session start, what waits for an
// orchestrator (published by its server for those hooks), and what those hooks are made of (for setup to
// write them). The files they keep are @subagent-mcp/state's.
export { handlerCommand, handlerMark } from "./command.js";
export { HOOK_EVENTS, nativeSubagentTools, type HookHost } from "./events.js";
export { DIRECTIVE } from "./handlers.js";
export { isOrchestrating, setOrchestrating } from "./mode.js";
export { pendingFile, readPending, removePending, somethingWaits, pendingWriter, writePending, type Pending, type PendingWriter } from "./pending.js";
