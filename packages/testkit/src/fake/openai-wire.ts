import { z } from "zod";
import { openaiRequest } from "./openai-request.js";
import { WEEKLY_USED_PERCENT, type FakeMessage, type FakeRateLimit, type FakeRequest, type FakeUsage } from "./types.js";

// What the fake reads of an OpenAI Responses request body. Loose on purpose: Codex sends many more
// fields (reasoning, include, client_metadata, ...) and every one the fake does not use may change.
const Tool = z.looseObject({ type: z.string().optional(), name: z.string().optional() });
// A namespace (Codex's MCP servers) nests its function tools.
const Namespace = z.looseObject({ type: z.literal("namespace"), name: z.string(), tools: z.array(Tool) });
const Part = z.looseObject({ type: z.string().optional(), text: z.string().optional() });
const Item = z.looseObject({
  type: z.string().optional(),
  role: z.string().optional(),
  // Everything else stays unknown: item kinds differ (tool_search_call carries an object as arguments).
  content: z.unknown().optional(),
  output: z.unknown().optional(),
  name: z.string().optional(),
  arguments: z.unknown().optional(),
  input: z.unknown().optional(),
  tools: z.unknown().optional(),
});
const Body = z.looseObject({
  model: z.string().default(""),
  // The Responses API streams only when asked to.
  stream: z.boolean().nullish(),
  instructions: z.string().nullish(),
  input: z.union([z.string(), z.array(Item)]).default([]),
  // Hosted tools (web_search, tool_search) have a type and no name.
  tools: z.array(Tool).nullish(),
});
type Item = z.infer<typeof Item>;

/** The tools one request makes callable, beyond the top-level names in `FakeRequest.tools`. */
export interface ToolContext {
  /** Top-level tool names (hosted tools by type), as offered. */
  offered: string[];
  /** Namespaced tools found so far, by full name `<namespace>__<name>` (e.g. `mcp__srv__ping`). */
  namespaced: Map<string, { namespace: string; name: string }>;
  /** Namespaces Codex lists as deferred: their tools must be found with `tool_search` first. */
  deferred: string[];
  /** True when the last input item is the output of a tool search (so never search again). */
  searched: boolean;
  /** The working directory the CLI told the model, where it did. */
  cwd?: string;
}

/** A Responses request as the fake understood it: the neutral form plus what tool calls may name. */
export interface ParsedResponsesRequest {
  request: FakeRequest;
  tools: ToolContext;
}

// Codex sends its own context as user messages: environment, AGENTS.md, skills, shell escapes,
// aborted-turn markers. None of that is the user's prompt, so it is filed as "system".
const CWD_LINE = /I'm currently working in the directory: (\S+)/;
const REMINDERS = /<system-reminder>[\s\S]*?<\/system-reminder>\s*/g;
const INJECTED =
  /^\s*(<(system-reminder|environment_context|user_instructions|permissions|INSTRUCTIONS|skills_instructions|user_shell_command|turn_aborted|subagent_notification)\b|# AGENTS\.md instructions)/i;

/** True when a user-role text is context Codex injected rather than what the user typed. */
export function isInjected(text: string): boolean {
  return INJECTED.test(text);
}

const Parts = z.array(Part);

/** The texts of a message's content: a string, or a list of parts (images and the like have none). */
function partsOf(content: unknown): string[] {
  if (typeof content === "string") return [content];
  const parts = Parts.safeParse(content);
  return parts.success ? parts.data.flatMap((p) => (p.text !== undefined && p.text.length > 0 ? [p.text] : [])) : [];
}

/** A tool output, tool call arguments or tool input as text: strings as they are, parts joined, else JSON. */
function flatText(value: unknown): string {
  if (typeof value === "string") return value;
  const parts = Parts.safeParse(value);
  return parts.success ? partsOf(parts.data).join("\n") : JSON.stringify(value ?? null);
}

const TOOL_OUTPUTS = new Set(["function_call_output", "custom_tool_call_output", "tool_search_output"]);
const TOOL_CALLS = new Set(["function_call", "custom_tool_call", "tool_search_call"]);

/** Messages of one input item: a tool output, a model tool call, or a message split by origin. */
function messagesOf(item: Item): FakeMessage[] {
  // Codex's answer to the fake's own tool_search detour: no step of a scripted turn, so not a tool's result.
  if (item.type === "tool_search_output") return [{ role: "system", text: `found: ${[...namespacedTools([item.tools]).keys()].join(", ")}` }];
  if (item.type !== undefined && TOOL_OUTPUTS.has(item.type)) return [{ role: "tool", text: flatText(item.output) }];
  if (item.type !== undefined && TOOL_CALLS.has(item.type)) {
    return [{ role: "assistant", text: `${item.name ?? "?"}(${flatText(item.arguments ?? item.input ?? "")})` }];
  }
  if (item.type !== undefined && item.type !== "message") return []; // reasoning and the like
  const parts = partsOf(item.content);
  if (item.role === "assistant") return [{ role: "assistant", text: parts.join("\n") }];
  if (item.role !== "user") return [{ role: "system", text: parts.join("\n") }]; // system, developer
  // Qwen Code leads the user's words with <system-reminder> blocks in the same text.
  const split = parts.flatMap((t) => {
    const reminders = t.match(REMINDERS) ?? [];
    const rest = t.replace(REMINDERS, "");
    return [...reminders, ...(reminders.length > 0 && rest.trim() === "" ? [] : [rest])];
  });
  const own = split.filter((t) => !isInjected(t));
  const injected = split.filter((t) => isInjected(t));
  return [
    ...(injected.length > 0 ? [{ role: "system" as const, text: injected.join("\n") }] : []),
    ...(own.length > 0 ? [{ role: "user" as const, text: own.join("\n") }] : []),
  ];
}

/** Namespaced tools, from `tools` and from `tool_search_output` items (what a search found). */
function namespacedTools(lists: unknown[]): ToolContext["namespaced"] {
  const found: ToolContext["namespaced"] = new Map();
  for (const list of lists) {
    for (const ns of z.array(z.unknown()).catch([]).parse(list)) {
      const parsed = Namespace.safeParse(ns);
      if (!parsed.success) continue;
      for (const tool of parsed.data.tools) {
        if (tool.name !== undefined) found.set(`${parsed.data.name}__${tool.name}`, { namespace: parsed.data.name, name: tool.name });
      }
    }
  }
  return found;
}

// Codex 0.169 lists deferred namespaces (MCP servers, multi-agent tools) in a developer message:
// "<tools>\nDeferred tool namespaces:\n- mcp__srv\n- multi_agent_v1: ...\n</tools>".
function deferredNamespaces(messages: FakeMessage[]): string[] {
  const names: string[] = [];
  for (const m of messages) {
    const block = /Deferred tool namespaces:\n((?:- .*\n?)*)/.exec(m.text)?.[1] ?? "";
    for (const line of block.matchAll(/^- ([^\s:]+)/gm)) if (line[1] !== undefined) names.push(line[1]);
  }
  return names;
}

/** Reads a Responses request body into the fake's protocol-neutral form, or says why it cannot. */
export function parseResponsesRequest(body: unknown, path: string): ParsedResponsesRequest | { invalid: string } {
  const parsed = Body.safeParse(body ?? {});
  if (!parsed.success) return { invalid: z.prettifyError(parsed.error) };
  const { model, stream, instructions, input, tools } = parsed.data;
  const items: Item[] = typeof input === "string" ? [{ type: "message", role: "user", content: input }] : input;
  const messages: FakeMessage[] = instructions ? [{ role: "system", text: instructions }] : [];
  for (const item of items) messages.push(...messagesOf(item));
  const offered = (tools ?? []).flatMap((t) => (t.type === "namespace" ? [] : [t.name ?? t.type ?? ""])).filter(Boolean);
  const namespaced = namespacedTools([tools ?? [], ...items.filter((i) => i.type === "tool_search_output").map((i) => i.tools)]);
  const lastType = items.at(-1)?.type;
  const request = openaiRequest({
    path,
    model,
    stream: stream === true,
    messages,
    tools: [...offered, ...namespaced.keys()],
    // A tool search is the fake's own detour towards a tool call, not a result the model must go on
    // from: after it the scripter is asked again and picks the same call, now callable.
    afterToolResult: lastType !== undefined && TOOL_OUTPUTS.has(lastType) && lastType !== "tool_search_output",
  });
  // Gemini CLI's context line, which Qwen Code keeps: its file tools want absolute paths.
  const cwd = messages.map((m) => CWD_LINE.exec(m.text)?.[1]).find((dir) => dir !== undefined);
  return {
    request,
    tools: { offered, namespaced, deferred: deferredNamespaces(messages), searched: lastType === "tool_search_output", ...(cwd === undefined ? {} : { cwd }) },
  };
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

/**
 * Codex's rate-limit headers for a `[[ratelimit]]` answer (the "codex" limit family that Codex
 * 0.169 parses from every Responses answer): used percent, window length in minutes and reset time
 * in epoch seconds, for the primary (5-hour) and secondary (weekly) windows.
 */
export function rateLimitHeaders(limit: FakeRateLimit): Record<string, string> {
  return {
    "x-codex-primary-used-percent": String(limit.usedPercent),
    "x-codex-primary-window-minutes": "300",
    "x-codex-primary-reset-at": String(limit.resetsAt),
    "x-codex-secondary-used-percent": String(WEEKLY_USED_PERCENT),
    "x-codex-secondary-window-minutes": "10080",
    "x-codex-secondary-reset-at": String(limit.weeklyResetsAt),
  };
}
