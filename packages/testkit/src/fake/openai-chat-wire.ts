import { z } from "zod";
import { openaiRequest } from "./openai-request.js";
import type { ToolContext } from "./openai-wire.js";
import type { FakeMessage, FakeRequest, FakeUsage } from "./types.js";

// What the fake reads of a Chat Completions request body (OpenCode's `@ai-sdk/openai-compatible`
// provider). Loose on purpose, like the Responses reader: fields the fake does not use may change.
const Part = z.looseObject({ type: z.string().optional(), text: z.string().optional() });
const Call = z.looseObject({ function: z.looseObject({ name: z.string().default("?"), arguments: z.string().default("") }) });
const Message = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(Part)]).nullish(),
  tool_calls: z.array(Call).nullish(),
});
const Tool = z.looseObject({ type: z.string().optional(), function: z.looseObject({ name: z.string() }).optional() });
const Body = z.looseObject({
  model: z.string().default(""),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  messages: z.array(Message),
  tools: z.array(Tool).nullish(),
});

/** A Chat Completions request as the fake understood it. */
export interface ParsedChatRequest {
  request: FakeRequest;
  tools: ToolContext;
  /** The client asked for a last chunk carrying the usage (`stream_options.include_usage`). */
  includeUsage: boolean;
  /** OpenCode's side call that names the conversation (no tools; its own system prompt). */
  title: boolean;
}

// OpenCode's environment block in its system prompt: its write tool wants absolute paths.
const CWD_LINE = /Working directory: (\S+)/;
// The system prompt of OpenCode's title agent.
const TITLE = /^You are a title generator/;

function textOf(content: z.infer<typeof Message>["content"]): string {
  if (typeof content === "string") return content;
  return (content ?? []).flatMap((p) => (p.text === undefined ? [] : [p.text])).join("\n");
}

function messageOf(m: z.infer<typeof Message>): FakeMessage {
  const role = m.role === "system" || m.role === "developer" ? "system" : m.role === "tool" ? "tool" : m.role === "assistant" ? "assistant" : "user";
  const calls = (m.tool_calls ?? []).map((c) => `${c.function.name}(${c.function.arguments})`);
  return { role, text: [textOf(m.content), ...calls].filter((t) => t !== "").join("\n") };
}

/** Reads a Chat Completions request body into the fake's protocol-neutral form, or says why it cannot. */
export function parseChatRequest(body: unknown, path: string): ParsedChatRequest | { invalid: string } {
  const parsed = Body.safeParse(body ?? {});
  if (!parsed.success) return { invalid: z.prettifyError(parsed.error) };
  const { model, stream, stream_options, tools } = parsed.data;
  const messages = parsed.data.messages.map(messageOf);
  const offered = (tools ?? []).flatMap((t) => (t.function === undefined ? [] : [t.function.name]));
  const request = openaiRequest({ path, model, stream: stream === true, messages, tools: offered, afterToolResult: messages.at(-1)?.role === "tool" });
  const cwd = messages.map((m) => (m.role === "system" ? CWD_LINE.exec(m.text)?.[1] : undefined)).find((dir) => dir !== undefined);
  return {
    request,
    tools: { offered, namespaced: new Map(), deferred: [], searched: false, ...(cwd === undefined ? {} : { cwd }) },
    includeUsage: stream_options?.include_usage === true,
    title: offered.length === 0 && TITLE.test(messages[0]?.text ?? ""),
  };
}

/** The `usage` of a Chat Completions answer; prompt_tokens includes the cached ones, as OpenAI counts. */
export function chatUsage(usage: FakeUsage): Record<string, unknown> {
  const input = usage.input + usage.cacheRead;
  return {
    prompt_tokens: input,
    completion_tokens: usage.output,
    total_tokens: input + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cacheRead },
  };
}
