// A Codex thread item as the events it becomes (a tool call when it starts, its result when it
// completes), and why a failed turn ended: what a turn's receipt reads of Codex.
import type { AgentEvent } from "@subagent-mcp/core";
import { definedFields } from "@subagent-mcp/contract/fields";
import { fileChanges } from "./codex-thread.js";
import type { CodexItem } from "./codex-wire.js";
import { codexCommand } from "../permissions/tool-kinds.js";

type ToolEvent = Extract<AgentEvent, { type: "tool" | "tool_result" }>;

/** The tool event of an item that is a tool call (commands, file changes, MCP calls, web searches); none for others. */
export function codexItemEvent(item: CodexItem, phase: "started" | "completed"): ToolEvent | undefined {
  const id = definedFields({ id: typeof item.id === "string" ? item.id : undefined });
  const started = phase === "started";
  switch (item.type) {
    case "agentMessage":
      return undefined;
    case "commandExecution":
      // exitCode: null while it runs and when Codex could not tell (e.g. a command it never started).
      if (started) return { type: "tool", name: "shell", input: { command: item.command }, ...id, kind: "shell", command: codexCommand(item.command) };
      return { type: "tool_result", name: "shell", ok: item.exitCode === 0, ...id, exitCode: item.exitCode ?? null };
    case "fileChange": {
      if (!started) return { type: "tool_result", name: "apply_patch", ok: item.status === "completed", ...id };
      const paths = [...new Set(fileChanges(item.changes).map((c) => c.path))];
      return { type: "tool", name: "apply_patch", input: { changes: item.changes }, ...id, kind: "edit", paths };
    }
    case "mcpToolCall": {
      const name = `${item.server}/${item.tool}`;
      if (started) return { type: "tool", name, input: item.arguments, ...id, kind: "mcp", server: item.server };
      return { type: "tool_result", name, ok: item.error === null || item.error === undefined, ...id };
    }
    case "webSearch":
      if (started) return { type: "tool", name: "web_search", input: { query: item.query }, ...id, kind: "web" };
      return { type: "tool_result", name: "web_search", ok: true, ...id };
  }
}

/** Why a failed turn ended: its error's kind (`codexErrorInfo`: a name, or the one key of an object), else "error". */
export function codexStop(error: { codexErrorInfo?: unknown } | null | undefined): { reason: string } {
  const info = error?.codexErrorInfo;
  if (typeof info === "string" && info !== "") return { reason: info };
  const key = typeof info === "object" && info !== null ? Object.keys(info)[0] : undefined;
  return { reason: key ?? "error" };
}
