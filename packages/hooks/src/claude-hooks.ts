import { join } from "node:path";
import { readOrNull, type FileChange } from "./files.js";
import type { HostContext } from "./hosts.js";
import { appendJsonc, removeFromJsoncArray } from "./jsonc.js";

/** Claude Code's user settings, where hooks live. */
export function claudeSettingsPath(ctx: HostContext): string {
  return join(ctx.env.CLAUDE_CONFIG_DIR ?? join(ctx.home, ".claude"), "settings.json");
}

const MARK = " hook claude";

function ours(element: unknown): boolean {
  return JSON.stringify(element).includes(MARK);
}

/**
 * Adds our two hooks beside the user's own (never replacing their arrays): UserPromptSubmit for the
 * orchestration directive, and PreToolUse on the native sub-agent tools.
 */
export function withClaudeHooks(text: string, command: string): string {
  const hook = { type: "command", command: `${command}${MARK}`, timeout: 10 };
  let out = removeClaudeHooks(text);
  out = appendJsonc(out, ["hooks", "UserPromptSubmit"], { hooks: [hook] });
  out = appendJsonc(out, ["hooks", "PreToolUse"], { matcher: "Task|Agent", hooks: [hook] });
  return out;
}

/** Takes out exactly our hook entries. */
export function removeClaudeHooks(text: string): string {
  let out = removeFromJsoncArray(text, ["hooks", "UserPromptSubmit"], ours);
  out = removeFromJsoncArray(out, ["hooks", "PreToolUse"], ours);
  return out;
}

/** What setup would change in Claude Code's settings to install the hooks. */
export function planClaudeHooks(ctx: HostContext, command: string): FileChange {
  const path = claudeSettingsPath(ctx);
  const before = readOrNull(path);
  return { path, before, after: withClaudeHooks(before ?? "", command) };
}
