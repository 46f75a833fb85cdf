import { z } from "zod";
import { WEEKLY_USED_PERCENT, type FakeMessage, type FakeRateLimit, type FakeRequest, type FakeUsage } from "./types.js";

// Only the fields the fake reads are declared; everything else Claude Code sends (cache_control,
// metadata, thinking, context_management, ...) is stripped by zod and ignored.
const Block = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
  // A tool_result's content: a string or nested text/image blocks.
  content: z.unknown().optional(),
});
type Block = z.infer<typeof Block>;

const Content = z.union([z.string(), z.array(Block)]);

/** The part of an Anthropic Messages request body the fake understands. */
export const MessagesBody = z.looseObject({
  model: z.string().default(""),
  stream: z.boolean().optional(),
  system: Content.optional(),
  // Claude Code (seen in 2.1.x) may also put `role: "system"` entries inside `messages`.
  messages: z.array(z.looseObject({ role: z.string(), content: Content })).default([]),
  tools: z.array(z.looseObject({ name: z.string().optional() })).default([]),
});
export type MessagesBody = z.infer<typeof MessagesBody>;

/** Reads a body as a Messages request; undefined when it is not one (the fake then answers 400). */
export function readMessagesBody(body: unknown): MessagesBody | undefined {
  const parsed = MessagesBody.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

// Claude Code puts context (CLAUDE.md, date, ...) in <system-reminder> text blocks beside what the
// user typed; directives and echoes must only see the user's own words.
function isReminder(block: Block): boolean {
  return block.type === "text" && (block.text ?? "").trimStart().startsWith("<system-reminder>");
}

function blocksOf(content: string | Block[]): Block[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

/** Flattens content to text; tool calls become `[tool_use NAME] {input}` so histories stay readable. */
function flatten(content: unknown): string {
  if (typeof content === "string") return content;
  const blocks = z.array(Block).safeParse(content);
  if (!blocks.success) return "";
  return blocks.data
    .map((b) => {
      if (b.type === "text") return b.text ?? "";
      if (b.type === "tool_result") return flatten(b.content);
      if (b.type === "tool_use") return `[tool_use ${b.name ?? ""}] ${JSON.stringify(b.input ?? {})}`;
      return "";
    })
    .filter((text) => text.length > 0)
    .join("\n");
}

/** Turns a parsed Messages body into the fake's protocol-neutral request. */
export function toFakeRequest(path: string, body: MessagesBody): FakeRequest {
  const messages: FakeMessage[] = [];
  const system = body.system === undefined ? "" : flatten(body.system);
  if (system.length > 0) messages.push({ role: "system", text: system });
  let lastUserText = "";
  let afterToolResult = false;
  for (const message of body.messages) {
    const blocks = blocksOf(message.content);
    const results = blocks.filter((b) => b.type === "tool_result");
    if (results.length > 0) {
      // A user turn carrying tool results answers the model's tool call: it is the tool speaking.
      messages.push({ role: "tool", text: flatten(results) });
      afterToolResult = true;
      continue;
    }
    const role = message.role === "assistant" || message.role === "system" ? message.role : "user";
    messages.push({ role, text: flatten(blocks) });
    // A system note after a tool result (older releases append the tokens left) leaves the tool's answer the last word.
    if (role === "system") continue;
    afterToolResult = false;
    if (role === "user") lastUserText = flatten(blocks.filter((b) => !isReminder(b)));
  }
  return {
    kind: "anthropic",
    path,
    model: body.model,
    stream: body.stream === true,
    messages,
    tools: body.tools.map((t) => t.name ?? "").filter((name) => name.length > 0),
    wantsJson: false,
    afterToolResult,
    lastUserText,
  };
}

/** The usage object of Anthropic's wire format, from the fake's deterministic counts. */
export function wireUsage(usage: FakeUsage): Record<string, number> {
  return {
    input_tokens: usage.input,
    output_tokens: usage.output,
    cache_read_input_tokens: usage.cacheRead,
    cache_creation_input_tokens: usage.cacheWrite,
  };
}

// Anthropic's documented error types per HTTP status; 529 is its own "overloaded" status.
const ERROR_TYPES: Partial<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

/** Anthropic's error body for an HTTP status. */
export function errorBody(status: number, message: string): { type: "error"; error: { type: string; message: string } } {
  return { type: "error", error: { type: ERROR_TYPES[status] ?? "api_error", message } };
}

/** An assistant content block the fake answers with. */
export type ReplyBlock = { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

/**
 * The unified rate-limit headers of the Anthropic API for a `[[ratelimit]]` answer, as Claude Code
 * 2.1.330 reads them: the overall status, reset and limiting window (representative claim), and per
 * window (5h, 7d) a utilization fraction, reset, status and the warning threshold passed. Claude
 * Code downgrades the overall "allowed_warning" to "allowed" and warns from a window's
 * surpassed-threshold instead, so that header is what makes the warning.
 */
export function rateLimitHeaders(limit: FakeRateLimit): Record<string, string> {
  const used = limit.usedPercent;
  const status = used >= 100 ? "rejected" : used >= 80 ? "allowed_warning" : "allowed";
  const prefix = "anthropic-ratelimit-unified";
  return {
    [`${prefix}-status`]: status,
    [`${prefix}-reset`]: String(limit.resetsAt),
    [`${prefix}-representative-claim`]: "five_hour",
    [`${prefix}-5h-utilization`]: String(used / 100),
    [`${prefix}-5h-reset`]: String(limit.resetsAt),
    [`${prefix}-5h-status`]: status,
    ...(used >= 80 ? { [`${prefix}-5h-surpassed-threshold`]: used >= 100 ? "1" : "0.8" } : {}),
    [`${prefix}-7d-utilization`]: String(WEEKLY_USED_PERCENT / 100),
    [`${prefix}-7d-reset`]: String(limit.weeklyResetsAt),
    [`${prefix}-7d-status`]: "allowed",
  };
}
