// A shell call's exit code as each ACP agent states it in its finished `tool_call_update`: each
// agent has its own format (gemini-exit.ts, qwen-exit.ts, opencode-exit.ts). Another agent's is
// read only from the two structured formats, which cannot be mistaken for anything else; its text
// is never searched for a code.
import type { Provider } from "@subagent-mcp/contract";
import type { AgentEvent } from "@subagent-mcp/core";
import { acpToolResult } from "../permissions/tool-kinds.js";
import { geminiExitCode } from "./gemini-exit.js";
import { opencodeExitCode } from "./opencode-exit.js";
import { qwenExitCode } from "./qwen-exit.js";

type AcpShellUpdate = Parameters<typeof acpToolResult>[0];

// The text parts of an update's content, joined.
function contentText(content: unknown): string {
  if (!Array.isArray(content)) return "";
  return content
    .map((c: unknown) => {
      const inner = typeof c === "object" && c !== null ? (c as { content?: { type?: unknown; text?: unknown } }).content : undefined;
      return inner?.type === "text" && typeof inner.text === "string" ? inner.text : "";
    })
    .join("");
}

/** The exit code the agent states: a number, null when it says the command ended without one, undefined when it does not say. */
function acpShellExitCode(provider: Provider, update: AcpShellUpdate): number | null | undefined {
  if (provider === "gemini") return geminiExitCode(update.status, contentText(update.content));
  if (provider === "qwen") return qwenExitCode(update.rawOutput);
  if (provider === "opencode") return opencodeExitCode(update.rawOutput);
  const qwen = qwenExitCode(update.rawOutput);
  return qwen === undefined ? opencodeExitCode(update.rawOutput) : qwen;
}

/** A finished tool call's update as a `tool_result` event, with the exit code as this agent states it (not the generic reading). */
export function acpResult(provider: Provider, update: AcpShellUpdate): Extract<AgentEvent, { type: "tool_result" }> {
  const { exitCode: _generic, ...result } = acpToolResult(update);
  const exitCode = acpShellExitCode(provider, update);
  return exitCode === undefined ? result : { ...result, exitCode };
}
