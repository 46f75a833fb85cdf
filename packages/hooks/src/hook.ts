// The hook handlers' own entry point: hooks run on every prompt and tool call of the host, so this
// loads nothing beyond what a decision needs (no parsers, no schemas).
export { hostHook, type HookInput } from "./handlers.js";
export { HOOK_HOSTS, type HookHost } from "./events.js";
