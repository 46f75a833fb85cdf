import { randomBytes } from "node:crypto";
import { isAbsolute, join } from "node:path";
import type { ToolContext } from "./openai-wire.js";
import type { FakeReply } from "./types.js";

/** One output item of a response, as it appears in `response.output_item.done`. */
export type OutputItem =
  | { type: "message"; id: string; role: "assistant"; status: "completed"; content: { type: "output_text"; text: string; annotations: [] }[] }
  | { type: "function_call"; id: string; call_id: string; name: string; namespace?: string; arguments: string; status: "completed" }
  | { type: "custom_tool_call"; id: string; call_id: string; name: string; input: string; status: "completed" }
  | { type: "tool_search_call"; id: string; call_id: string; execution: "client"; arguments: { query: string }; status: "completed" };

/** An assistant message item carrying `text`. */
export function messageItem(text: string): OutputItem {
  return { type: "message", id: `msg_${hex()}`, role: "assistant", status: "completed", content: [{ type: "output_text", text, annotations: [] }] };
}

/** The text the model "wrote" for an item: what usage counts as output. */
export function payloadOf(item: OutputItem): string {
  switch (item.type) {
    case "message":
      return item.content.map((c) => c.text).join("");
    case "function_call":
      return item.arguments;
    case "custom_tool_call":
      return item.input;
    case "tool_search_call":
      return JSON.stringify(item.arguments);
  }
}

function functionCall(name: string, args: unknown, namespace?: string): OutputItem {
  const id = hex();
  const call = { type: "function_call" as const, id: `fc_${id}`, call_id: `call_${id}`, name, arguments: JSON.stringify(args), status: "completed" as const };
  return namespace === undefined ? call : { ...call, namespace };
}

/**
 * A call of a tool by its full name. Codex 0.169 offers MCP tools only in deferred namespaces
 * (`mcp__<server>`): the model first calls the client-side `tool_search`, Codex answers with a
 * `tool_search_output` listing the namespace's tools, and only then can it call
 * `{type: "function_call", namespace: "mcp__srv", name: "tool"}`. The fake makes that detour itself.
 */
function namedCall(name: string, input: Record<string, unknown>, tools: ToolContext): OutputItem | undefined {
  if (tools.offered.includes(name)) return functionCall(name, input);
  const found = tools.namespaced.get(name);
  if (found !== undefined) return functionCall(found.name, input, found.namespace);
  const namespace = tools.deferred.find((ns) => name.startsWith(`${ns}__`));
  if (namespace === undefined || tools.searched || !tools.offered.includes("tool_search")) return undefined;
  const id = hex();
  const query = name.slice(namespace.length + 2);
  return { type: "tool_search_call", id: `tsc_${id}`, call_id: `call_${id}`, execution: "client", arguments: { query }, status: "completed" };
}

/**
 * The item a tool reply becomes in the CLI's vocabulary (Codex's, Qwen Code's, OpenCode's), or
 * undefined when the request does not offer that tool (the caller then answers text). Codex 0.169
 * offers `exec_command` ({cmd}) as a function and `apply_patch` as a custom (freeform, lark
 * grammar) tool; `shell` is the older argv-style tool.
 */
export function toolItem(reply: FakeReply, tools: ToolContext): OutputItem | undefined {
  if (reply.kind === "shell") {
    if (tools.offered.includes("exec_command")) return functionCall("exec_command", { cmd: reply.command });
    if (tools.offered.includes("shell")) return functionCall("shell", { command: ["bash", "-lc", reply.command] });
    // Qwen Code (a Gemini CLI fork) on the Responses API keeps Gemini CLI's tool names.
    if (tools.offered.includes("run_shell_command")) return functionCall("run_shell_command", { command: reply.command, is_background: false });
    // OpenCode (Chat Completions) requires a description of the command.
    if (tools.offered.includes("bash")) return functionCall("bash", { command: reply.command, description: "Runs the command" });
    return undefined;
  }
  if (reply.kind === "tool") return namedCall(reply.name, reply.input, tools);
  if (reply.kind === "edit" && !tools.offered.includes("apply_patch")) {
    // Qwen Code's write_file and OpenCode's write want an absolute path.
    const path = tools.cwd === undefined || isAbsolute(reply.path) ? reply.path : join(tools.cwd, reply.path);
    if (tools.offered.includes("write_file")) return functionCall("write_file", { file_path: path, content: reply.content });
    if (tools.offered.includes("write")) return functionCall("write", { filePath: path, content: reply.content });
  }
  if (reply.kind === "edit" && tools.offered.includes("apply_patch")) {
    // A patch line per content line; a trailing newline in `content` gives no extra empty line.
    const lines = reply.content
      .replace(/\n$/, "")
      .split("\n")
      .map((l) => `+${l}`)
      .join("\n");
    const id = hex();
    const input = `*** Begin Patch\n*** Add File: ${reply.path}\n${lines}\n*** End Patch\n`;
    return { type: "custom_tool_call", id: `ctc_${id}`, call_id: `call_${id}`, name: "apply_patch", input, status: "completed" };
  }
  return undefined;
}

function hex(): string {
  return randomBytes(8).toString("hex");
}
