import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { usageFor } from "./directives.js";
import { chatUsage, parseChatRequest } from "./openai-chat-wire.js";
import { toolItem } from "./openai-tools.js";
import { errorBody } from "./openai-wire.js";
import type { FakeExchange } from "./server.js";
import { disconnect, openSse, splitText, streamSlowly, writeSse } from "./sse.js";
import type { FakeReply, FakeRequest, FakeUsage } from "./types.js";

/** What one answer carries: text, or one function call. */
type Answer = { text: string } | { call: { id: string; name: string; arguments: string } };

/**
 * Answers `POST /v1/chat/completions` (OpenCode's provider), streamed as SSE `chat.completion.chunk`s
 * when asked, with the same directives as the Responses path. OpenCode's title request (one per new
 * session, beside the turn's own) gets a short title, is logged with reply "title", and never
 * reaches the scripter: a directive in the prompt acts on the turn alone.
 */
export async function chatHandler(x: FakeExchange): Promise<void> {
  const parsed = parseChatRequest(x.body, x.path);
  if ("invalid" in parsed) {
    const empty = { model: "", stream: false, messages: [], tools: [], wantsJson: false, afterToolResult: false, lastUserText: "" };
    x.record({ kind: "openai", path: x.path, ...empty, reply: "error", usage: undefined });
    json(x.res, 400, errorBody(400, `fake: unreadable Chat Completions request: ${parsed.invalid}`));
    return;
  }
  const { request, tools, includeUsage } = parsed;
  if (parsed.title) {
    const answer = { text: "Fake conversation" };
    const usage = usageFor(request, answer.text);
    x.record({ ...request, reply: "title", usage });
    await send(x.res, request, answer, usage, includeUsage);
    return;
  }
  const reply = x.choose(request);
  if (reply.kind === "error" || reply.kind === "disconnect") {
    x.record({ ...request, reply: reply.kind, usage: undefined });
    if (reply.kind === "error") json(x.res, reply.status, errorBody(reply.status, reply.message), { "retry-after-ms": "1" });
    else disconnect(x.res);
    return;
  }
  // A tool the request does not offer cannot be called: the model answers an echo instead.
  const item = reply.kind === "text" || reply.kind === "slow" ? undefined : toolItem(reply, tools);
  const answer: Answer =
    item?.type === "function_call"
      ? { call: { id: item.call_id, name: item.name, arguments: item.arguments } }
      : { text: reply.kind === "text" || reply.kind === "slow" ? reply.text : `${x.nonce} echo: ${request.lastUserText.slice(0, 500)}` };
  const usage = usageFor(request, "text" in answer ? answer.text : answer.call.arguments);
  x.record({ ...request, reply: "call" in answer || reply.kind === "slow" ? reply.kind : "text", usage });
  await send(x.res, request, answer, usage, includeUsage, reply.kind === "slow" ? reply : undefined);
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

/**
 * One answer, whole or as chunks: the role first, then text or tool-call argument deltas, the
 * finish reason, and (when asked) a last chunk with no choices that carries the usage.
 */
async function send(
  res: ServerResponse,
  request: FakeRequest,
  answer: Answer,
  usage: FakeUsage,
  includeUsage: boolean,
  slow?: Extract<FakeReply, { kind: "slow" }>,
): Promise<void> {
  const base = { id: `chatcmpl-${randomBytes(8).toString("hex")}`, created: Math.floor(Date.now() / 1000), model: request.model };
  const finish = "call" in answer ? "tool_calls" : "stop";
  const call = "call" in answer ? { id: answer.call.id, type: "function", function: { name: answer.call.name, arguments: answer.call.arguments } } : undefined;
  if (!request.stream) {
    const message =
      call === undefined ? { role: "assistant", content: "text" in answer ? answer.text : "" } : { role: "assistant", content: null, tool_calls: [call] };
    json(res, 200, { ...base, object: "chat.completion", choices: [{ index: 0, message, finish_reason: finish }], usage: chatUsage(usage) });
    return;
  }
  const chunk = (delta: Record<string, unknown>, reason: string | null = null): void => {
    writeSse(res, { ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: reason }] });
  };
  openSse(res);
  chunk({ role: "assistant", content: "" });
  if (call !== undefined) {
    chunk({ tool_calls: [{ index: 0, ...call, function: { name: call.function.name, arguments: "" } }] });
    for (const piece of splitText(call.function.arguments, 3)) chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] });
  } else if ("text" in answer) {
    const delta = (piece: string): void => {
      chunk({ content: piece });
    };
    if (slow === undefined) for (const piece of splitText(answer.text, 3)) delta(piece);
    // An interrupted CLI hangs up mid-stream: then there is nobody left to finish for.
    else if (!(await streamSlowly(res, splitText(answer.text, slow.chunks), slow.durationMs, delta))) return;
  }
  chunk({}, finish);
  if (includeUsage) writeSse(res, { ...base, object: "chat.completion.chunk", choices: [], usage: chatUsage(usage) });
  res.end("data: [DONE]\n\n");
}
