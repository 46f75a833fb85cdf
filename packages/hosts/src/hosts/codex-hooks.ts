import { createHash } from "node:crypto";
import { handlerCommand, handlerMark, HOOK_EVENTS, nativeSubagentTools } from "@subagent-mcp/hooks";
import { definedFields } from "@subagent-mcp/contract";
import { assertTomlKind, parseToml, placeTomlBlock, removeTomlBlock, tomlBlock, tomlBlockSpan, tomlString, type TomlMarkers } from "../toml-block.js";

// Codex's part of its adapter (codex.ts) that is its hooks: a managed block of their own in
// config.toml, with the trust entries Codex runs a user's hook by.

/** The comment lines around our orchestration hooks and their trust entries in config.toml. */
export const HOOKS_MARKERS: TomlMarkers = {
  begin: "# subagent-mcp:hooks:begin (managed by subagent-mcp; edits inside are replaced)",
  end: "# subagent-mcp:hooks:end",
};

const TIMEOUT_SEC = 10;

interface CodexHook {
  event: string;
  /** Codex's snake_case label of the event, used in trust keys and hashes. */
  label: string;
  matcher?: string;
}

const HOOKS: CodexHook[] = [
  { event: HOOK_EVENTS.codex.prompt, label: "user_prompt_submit" },
  { event: HOOK_EVENTS.codex.tool, label: "pre_tool_use", matcher: nativeSubagentTools("codex").join("|") },
  { event: HOOK_EVENTS.codex.stop, label: "stop" },
  { event: HOOK_EVENTS.codex.start, label: "session_start" },
];

// JSON with object keys sorted at every level, as Codex canonicalizes before hashing.
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}

/**
 * The hash Codex 0.169 trusts a command hook by: SHA-256 of the canonical JSON of the hook's
 * normalized identity (event label, matcher, and the one handler with its timeout and async flag).
 * Codex runs a user hook only when `[hooks.state."<key>"] trusted_hash` matches it, so setup
 * records the trust of exactly the hooks it adds; any edit to them makes Codex ask again.
 */
export function codexHookHash(label: string, matcher: string | undefined, command: string, timeoutSec: number): string {
  const identity = {
    event_name: label,
    ...definedFields({ matcher }),
    hooks: [{ type: "command", command, timeout: timeoutSec, async: false }],
  };
  return `sha256:${createHash("sha256")
    .update(JSON.stringify(canonical(identity)))
    .digest("hex")}`;
}

// How many groups the user already has for an event before our block: our group's index in the key.
function userGroups(before: string, event: string): number {
  const groups = hookGroups(before, event);
  return Array.isArray(groups) ? groups.length : 0;
}

// What the file's `hooks.<event>` holds (an array of groups, when it is well formed).
function hookGroups(text: string, event: string): unknown {
  return (parseToml(text).hooks as Record<string, unknown> | undefined)?.[event];
}

// The user's `hooks` must be a table whose events are arrays of tables, as ours are.
function assertHookKinds(outside: string): void {
  const hooks = parseToml(outside).hooks;
  assertTomlKind(hooks, "hooks", "a table");
  const table = (hooks ?? {}) as Record<string, unknown>;
  for (const { event } of HOOKS) assertTomlKind(table[event], `hooks.${event}`, "an array");
  assertTomlKind(table.state, "hooks.state", "a table");
}

/**
 * Adds our UserPromptSubmit, PreToolUse, Stop and SessionStart hooks to Codex's config.toml, in a managed block of
 * their own after the user's content, together with their trust entries (keyed by this file's
 * path, the event, the group's index and the handler's index).
 */
export function withCodexHooks(text: string, command: string, configPath: string): string {
  const span = tomlBlockSpan(text, HOOKS_MARKERS);
  const before = span === undefined ? text : text.slice(0, span.start);
  assertHookKinds(span === undefined ? text : before + text.slice(span.end));
  // Trusted by the hash of this very text, the sub-agent guard included.
  const full = handlerCommand(command, "codex");
  const lines: string[] = [];
  const trust: string[] = [];
  for (const hook of HOOKS) {
    lines.push(`[[hooks.${hook.event}]]`);
    if (hook.matcher !== undefined) lines.push(`matcher = ${tomlString(hook.matcher)}`);
    lines.push(`[[hooks.${hook.event}.hooks]]`, `type = "command"`, `command = ${tomlString(full)}`, `timeout = ${TIMEOUT_SEC}`);
    const key = `${configPath}:${hook.label}:${userGroups(before, hook.event)}:0`;
    trust.push(`[hooks.state.${tomlString(key)}]`, `trusted_hash = ${tomlString(codexHookHash(hook.label, hook.matcher, full, TIMEOUT_SEC))}`);
  }
  return placeTomlBlock(text, tomlBlock([...lines, ...trust], HOOKS_MARKERS, text.includes("\r\n") ? "\r\n" : "\n"), HOOKS_MARKERS);
}

/** Takes out exactly our hooks block. */
export function removeCodexHooks(text: string): string {
  return removeTomlBlock(text, HOOKS_MARKERS);
}

/** The events our hooks are installed on: those with a group that runs our handler. */
export function readCodexHooks(text: string): string[] {
  // The guarded command and the bare one of earlier setups alike.
  const mark = handlerMark("codex");
  return HOOKS.map((h) => h.event).filter((event) => {
    const groups = hookGroups(text, event);
    return Array.isArray(groups) && groups.some((group) => JSON.stringify(group).includes(mark));
  });
}
