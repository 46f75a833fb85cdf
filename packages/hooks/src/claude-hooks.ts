import { join } from "node:path";
import { nativeSubagentTools } from "./handlers.js";
import type { HostContext } from "./hosts.js";
import { appendJsonc, removeFromJsoncArrays } from "./jsonc.js";

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
  out = appendJsonc(out, ["hooks", "PreToolUse"], { matcher: nativeSubagentTools("claude").join("|"), hooks: [hook] });
  return out;
}

/** Takes out exactly our hook entries (and the arrays or `hooks` object that only they filled). */
export function removeClaudeHooks(text: string): string {
  return removeFromJsoncArrays(text, ["hooks"], ["UserPromptSubmit", "PreToolUse"], ours);
}
