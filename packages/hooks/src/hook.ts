// The hook handlers' own entry point: hooks run on every prompt and tool call of the host, so this
// loads nothing beyond what a decision needs (no parsers, no schemas).
export { claudeHook, codexHook, DIRECTIVE, geminiHook, HOOK_HOSTS, hostHook, type ClaudeHookInput, type HookContext, type HookHost, type HookInput } from "./handlers.js";
export { stateDir } from "./state-dir.js";
