import { nativeSubagentTools } from "./handlers.js";
import { mcpConfigPath, type HostContext } from "./hosts.js";
import { appendJsonc, removeFromJsoncArrays } from "./jsonc.js";

/** Gemini CLI keeps hooks in the same user settings.json as its MCP servers. */
export function geminiSettingsPath(ctx: HostContext): string {
  return mcpConfigPath("gemini", ctx);
}

const MARK = " hook gemini";

function ours(element: unknown): boolean {
  return JSON.stringify(element).includes(MARK);
}

// Gemini CLI matches a tool hook's matcher as a regular expression (unanchored), so anchor it.
const MATCHER = `^(${nativeSubagentTools("gemini").join("|")})$`;

/**
 * Adds our two hooks beside the user's own (never replacing their arrays): BeforeAgent for the
 * orchestration directive, and BeforeTool on the native sub-agent tool. Hooks are on by default in
 * Gemini CLI 0.61 (`hooksConfig.enabled`), so nothing else is switched. Timeouts are milliseconds.
 */
export function withGeminiHooks(text: string, command: string): string {
  const hook = { name: "subagent-mcp", type: "command", command: `${command}${MARK}`, timeout: 10_000 };
  let out = removeGeminiHooks(text);
  out = appendJsonc(out, ["hooks", "BeforeAgent"], { hooks: [hook] });
  out = appendJsonc(out, ["hooks", "BeforeTool"], { matcher: MATCHER, hooks: [hook] });
  return out;
}

/** Takes out exactly our hook entries (and the arrays or `hooks` object that only they filled). */
export function removeGeminiHooks(text: string): string {
  return removeFromJsoncArrays(text, ["hooks"], ["BeforeAgent", "BeforeTool"], ours);
}
