// The hook handlers' own entry point: hooks run on every prompt and tool call of the host, so this
// loads nothing beyond what a decision needs (no parsers, no schemas).
export { claudeHook, codexHook, DIRECTIVE, geminiHook, hostHook, type ClaudeHookInput, type HookContext, type HookInput } from "./handlers.js";
export { HOOK_HOSTS, type HookHost } from "./events.js";
