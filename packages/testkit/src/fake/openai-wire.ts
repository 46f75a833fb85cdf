import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { FakeMessage, FakeReply, FakeRequest, FakeUsage } from "./types.js";

// What the fake reads of an OpenAI Responses request body. Loose on purpose: Codex sends many more
// fields (reasoning, include, client_metadata, ...) and every one the fake does not use may change.
const Part = z.looseObject({ type: z.string().optional(), text: z.string().optional() });
const Item = z.looseObject({
  type: z.string().optional(),
  role: z.string().optional(),
  content: z.union([z.string(), z.array(Part)]).optional(),
  output: z.unknown().optional(),
  name: z.string().optional(),
  arguments: z.string().optional(),
  input: z.string().optional(),
});
const Body = z.looseObject({
  model: z.string().default(""),
  // The Responses API streams only when asked to.
  stream: z.boolean().nullish(),
  instructions: z.string().nullish(),
  input: z.union([z.string(), z.array(Item)]).default([]),
  // Hosted tools (web_search, tool_search) have a type and no name.
  tools: z.array(z.looseObject({ type: z.string().optional(), name: z.string().optional() })).nullish(),
});
type Item = z.infer<typeof Item>;

// Codex sends its own context as user messages: environment, AGENTS.md, skills, shell escapes,
// aborted-turn markers. None of that is the user's prompt, so it is filed as "system".
const INJECTED = /^\s*(<(environment_context|user_instructions|permissions|INSTRUCTIONS|skills_instructions|user_shell_command|turn_aborted|subagent_notification)\b|# AGENTS\.md instructions)/i;

/** True when a user-role text is context Codex injected rather than what the user typed. */
export function isInjected(text: string): boolean {
  return INJECTED.test(text);
}

function partsOf(content: Item["content"]): string[] {
  if (content === undefined) return [];
  if (typeof content === "string") return [content];
  return content.flatMap((p) => (typeof p.text === "string" && p.text.length > 0 ? [p.text] : []));
}

// A tool output is a string, or (newer API) a list of content parts.
function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  const parts = z.array(Part).safeParse(output);
  return parts.success ? partsOf(parts.data).join("\n") : JSON.stringify(output ?? null);
}

const TOOL_OUTPUTS = new Set(["function_call_output", "custom_tool_call_output"]);

/** Messages of one input item: a tool output, a model tool call, or a message split by origin. */
function messagesOf(item: Item): FakeMessage[] {
  if (item.type !== undefined && TOOL_OUTPUTS.has(item.type)) return [{ role: "tool", text: outputText(item.output) }];
  if (item.type === "function_call" || item.type === "custom_tool_call") {
    return [{ role: "assistant", text: `${item.name ?? "?"}(${item.arguments ?? item.input ?? ""})` }];
  }
  if (item.type !== undefined && item.type !== "message") return []; // reasoning and the like
  const parts = partsOf(item.content);
  if (item.role === "assistant") return [{ role: "assistant", text: parts.join("\n") }];
  if (item.role !== "user") return [{ role: "system", text: parts.join("\n") }]; // system, developer
  const own = parts.filter((t) => !isInjected(t));
  const injected = parts.filter((t) => isInjected(t));
  return [
    ...(injected.length > 0 ? [{ role: "system" as const, text: injected.join("\n") }] : []),
    ...(own.length > 0 ? [{ role: "user" as const, text: own.join("\n") }] : []),
  ];
}

/** Reads a Responses request body into the fake's protocol-neutral form, or says why it cannot. */
export function parseResponsesRequest(body: unknown, path: string): FakeRequest | { invalid: string } {
  const parsed = Body.safeParse(body ?? {});
  if (!parsed.success) return { invalid: z.prettifyError(parsed.error) };
  const { model, stream, instructions, input, tools } = parsed.data;
  const items: Item[] = typeof input === "string" ? [{ type: "message", role: "user", content: input }] : input;
  const messages: FakeMessage[] = instructions ? [{ role: "system", text: instructions }] : [];
  for (const item of items) messages.push(...messagesOf(item));
  const lastType = items.at(-1)?.type;
  return {
    kind: "openai",
    path,
    model,
    stream: stream === true,
    messages,
    tools: (tools ?? []).flatMap((t) => {
      const name = t.name ?? t.type;
      return name === undefined ? [] : [name];
    }),
    wantsJson: false,
    afterToolResult: lastType !== undefined && TOOL_OUTPUTS.has(lastType),
    lastUserText: messages.filter((m) => m.role === "user").at(-1)?.text ?? "",
  };
}

/** One output item of a response, as it appears in `response.output_item.done`. */
export type OutputItem =
  | { type: "message"; id: string; role: "assistant"; status: "completed"; content: { type: "output_text"; text: string; annotations: [] }[] }
  | { type: "function_call"; id: string; call_id: string; name: string; arguments: string; status: "completed" }
  | { type: "custom_tool_call"; id: string; call_id: string; name: string; input: string; status: "completed" };

/** An assistant message item carrying `text`. */
export function messageItem(text: string): OutputItem {
  return { type: "message", id: `msg_${hex()}`, role: "assistant", status: "completed", content: [{ type: "output_text", text, annotations: [] }] };
}

function functionCall(name: string, args: unknown): OutputItem {
  const id = hex();
  return { type: "function_call", id: `fc_${id}`, call_id: `call_${id}`, name, arguments: JSON.stringify(args), status: "completed" };
}

/**
 * The item a tool reply becomes in Codex's vocabulary, or undefined when the request does not offer
 * that tool (the caller then answers text). Codex 0.169 offers `exec_command` ({cmd}) as a function
 * and `apply_patch` as a custom (freeform, lark grammar) tool; `shell` is the older argv-style tool.
 */
export function toolItem(reply: FakeReply, tools: readonly string[]): OutputItem | undefined {
  if (reply.kind === "shell") {
    if (tools.includes("exec_command")) return functionCall("exec_command", { cmd: reply.command });
    if (tools.includes("shell")) return functionCall("shell", { command: ["bash", "-lc", reply.command] });
    return undefined;
  }
  if (reply.kind === "tool" && reply.name === "tool_search") { const id = hex(); return { type: "tool_search_call", id: `tsc_${id}`, call_id: `call_${id}`, execution: "client", arguments: reply.input, status: "completed" } as unknown as OutputItem; }
  if (reply.kind === "tool") return tools.includes(reply.name) ? functionCall(reply.name, reply.input) : undefined;
  if (reply.kind === "edit" && tools.includes("apply_patch")) {
    // A patch line per content line; a trailing newline in `content` gives no extra empty line.
    const lines = reply.content.replace(/\n$/, "").split("\n").map((l) => `+${l}`).join("\n");
    const id = hex();
    const input = `*** Begin Patch\n*** Add File: ${reply.path}\n${lines}\n*** End Patch\n`;
    return { type: "custom_tool_call", id: `ctc_${id}`, call_id: `call_${id}`, name: "apply_patch", input, status: "completed" };
  }
  return undefined;
}

/** The usage object of `response.completed`; input_tokens includes the cached ones, as OpenAI counts. */
export function wireUsage(usage: FakeUsage): Record<string, unknown> {
  const input = usage.input + usage.cacheRead;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cacheRead },
    output_tokens: usage.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + usage.output,
  };
}

const ERRORS: Record<number, { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
  500: { type: "server_error", code: null },
  503: { type: "server_error", code: "server_is_overloaded" },
  529: { type: "server_error", code: "server_is_overloaded" },
};

/** OpenAI's error body for an HTTP status. */
export function errorBody(status: number, message: string): { error: { message: string; type: string; code: string | null; param: null } } {
  const known = ERRORS[status] ?? { type: status >= 500 ? "server_error" : "invalid_request_error", code: null };
  return { error: { message, ...known, param: null } };
}

function hex(): string {
  return randomBytes(8).toString("hex");
}
