import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { usageFor } from "./directives.js";
import { startFakeServer, type FakeExchange, type FakeModelServer } from "./server.js";
import { disconnect, openSse, splitText, streamSlowly, writeSse } from "./sse.js";
import type { FakeMessage, FakeReply, FakeRequest, FakeUsage } from "./types.js";

/** Starts a fake Anthropic Messages API (`POST /v1/messages`, SSE and JSON) on 127.0.0.1. */
export function startAnthropicFake(): Promise<FakeModelServer> {
  return startFakeServer("anthropic", handle);
}

async function handle(x: FakeExchange): Promise<boolean> {
  if (x.req.method === "HEAD" || (x.req.method === "GET" && x.path === "/")) {
    x.res.writeHead(200).end();
    return true;
  }
  if (x.req.method !== "POST") return false;
  if (x.path === "/v1/messages/count_tokens") {
    const request = parse(x);
    x.res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ input_tokens: usageFor(request, "").input }));
    return true;
  }
  if (x.path !== "/v1/messages") return false;
  const request = parse(x);
  const reply = x.choose(request);
  const text = replyText(reply);
  const usage = reply.kind === "error" || reply.kind === "disconnect" ? undefined : usageFor(request, text);
  x.record({ ...request, reply: reply.kind, usage });
  await answer(x.res, request, reply, usage);
  return true;
}

/** Reads an Anthropic Messages request body into the fake's protocol-neutral form. */
export function parse(x: FakeExchange): FakeRequest {
  const body = (x.body ?? {}) as { model?: string; stream?: boolean; system?: unknown; messages?: unknown[]; tools?: { name?: string }[] };
  const messages: FakeMessage[] = [];
  const system = textOf(body.system);
  if (system) messages.push({ role: "system", text: system });
  let lastUserText = "";
  let afterToolResult = false;
  for (const raw of body.messages ?? []) {
    const m = raw as { role?: string; content?: unknown };
    const blocks = Array.isArray(m.content) ? (m.content as { type?: string; content?: unknown; text?: string }[]) : [];
    const results = blocks.filter((b) => b.type === "tool_result");
    if (m.role === "user" && results.length > 0 && results.length === blocks.filter((b) => b.type !== "text" || !isReminder(b.text)).length) {
      messages.push({ role: "tool", text: results.map((b) => textOf(b.content)).join("\n") });
      afterToolResult = true;
      continue;
    }
    const text = textOf(m.content);
    const role = m.role === "assistant" ? "assistant" : m.role === "system" ? "system" : "user";
    messages.push({ role, text });
    if (role === "user") {
      lastUserText = userText(m.content);
      afterToolResult = false;
    } else if (role === "assistant") afterToolResult = false;
  }
  return {
    kind: "anthropic",
    path: x.path,
    model: body.model ?? "",
    stream: body.stream === true,
    messages,
    tools: (body.tools ?? []).map((t) => t.name ?? "").filter(Boolean),
    wantsJson: false,
    afterToolResult,
    lastUserText,
  };
}

// Claude Code wraps context in <system-reminder> blocks beside the user's own text.
function isReminder(text: string | undefined): boolean {
  return text?.trimStart().startsWith("<system-reminder>") === true;
}

function userText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts = (content as { type?: string; text?: string }[]).filter((b) => b.type === "text" && !isReminder(b.text)).map((b) => b.text ?? "");
  return texts.join("\n");
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return (content as { type?: string; text?: string; content?: unknown }[])
    .map((b) => (b.type === "text" ? (b.text ?? "") : b.type === "tool_result" ? textOf(b.content) : ""))
    .filter(Boolean)
    .join("\n");
}

function replyText(reply: FakeReply): string {
  return reply.kind === "text" || reply.kind === "slow" ? reply.text : "";
}

function wireUsage(usage: FakeUsage | undefined): Record<string, number> {
  return {
    input_tokens: usage?.input ?? 0,
    output_tokens: usage?.output ?? 0,
    cache_read_input_tokens: usage?.cacheRead ?? 0,
    cache_creation_input_tokens: usage?.cacheWrite ?? 0,
  };
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

/** The content block a reply becomes: text, or a tool_use in Claude Code's own tool vocabulary. */
function blockOf(reply: FakeReply, request: FakeRequest): { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: Record<string, string> } {
  const id = `toolu_${randomBytes(8).toString("hex")}`;
  if (reply.kind === "shell" && request.tools.includes("Bash")) return { type: "tool_use", id, name: "Bash", input: { command: reply.command, description: "Run the requested command" } };
  if (reply.kind === "edit" && request.tools.includes("Write")) return { type: "tool_use", id, name: "Write", input: { file_path: reply.path, content: reply.content } };
  return { type: "text", text: replyText(reply) || "(no text)" };
}

async function answer(res: ServerResponse, request: FakeRequest, reply: FakeReply, usage: FakeUsage | undefined): Promise<void> {
  if (reply.kind === "error") {
    res.writeHead(reply.status, { "content-type": "application/json", "x-should-retry": "false" });
    res.end(JSON.stringify({ type: "error", error: { type: ERROR_TYPES[reply.status] ?? "api_error", message: reply.message } }));
    return;
  }
  if (reply.kind === "disconnect") {
    disconnect(res);
    return;
  }
  const block = blockOf(reply, request);
  const stop = block.type === "tool_use" ? "tool_use" : "end_turn";
  const message = { id: `msg_${randomBytes(8).toString("hex")}`, type: "message", role: "assistant", model: request.model, stop_sequence: null };
  if (!request.stream) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ...message, content: [block], stop_reason: stop, usage: wireUsage(usage) }));
    return;
  }
  openSse(res);
  writeSse(res, { type: "message_start", message: { ...message, content: [], stop_reason: null, usage: { ...wireUsage(usage), output_tokens: 1 } } }, "message_start");
  if (block.type === "tool_use") {
    writeSse(res, { type: "content_block_start", index: 0, content_block: { ...block, input: {} } }, "content_block_start");
    writeSse(res, { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) } }, "content_block_delta");
  } else {
    writeSse(res, { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }, "content_block_start");
    const delta = (piece: string): void => {
      writeSse(res, { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: piece } }, "content_block_delta");
    };
    if (reply.kind === "slow") {
      if (!(await streamSlowly(res, splitText(block.text, reply.chunks), reply.durationMs, delta))) return;
    } else for (const piece of splitText(block.text, 3)) delta(piece);
  }
  writeSse(res, { type: "content_block_stop", index: 0 }, "content_block_stop");
  writeSse(res, { type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: usage?.output ?? 0 } }, "message_delta");
  writeSse(res, { type: "message_stop" }, "message_stop");
  res.end();
}
