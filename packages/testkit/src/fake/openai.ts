import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { rateLimitOf, usageFor } from "./directives.js";
import { chatHandler } from "./openai-chat.js";
import { messageItem, payloadOf, toolItem, type OutputItem } from "./openai-tools.js";
import { errorBody, parseResponsesRequest, rateLimitHeaders, wireUsage } from "./openai-wire.js";
import { startFakeServer, type FakeExchange, type FakeModelServer } from "./server.js";
import { disconnect, openSse, splitText, streamSlowly, writeSse } from "./sse.js";
import type { FakeReply, FakeRequest, FakeUsage } from "./types.js";

/**
 * Starts a fake OpenAI API on 127.0.0.1: the Responses API, `POST /v1/responses`, streamed as SSE
 * when the request asks for it (Codex always does), and Chat Completions, `POST
 * /v1/chat/completions` (OpenCode; see openai-chat.ts). Give its `url` to `loopbackEnv("codex", fake)`.
 * Codex 0.169 (`exec` and `app-server`, even its model/list) calls nothing else, no /v1/models:
 * any other path is logged with reply "none".
 */
export function startOpenAIFake(): Promise<FakeModelServer> {
  return startFakeServer("openai", handle);
}

async function handle(x: FakeExchange): Promise<boolean> {
  if (x.req.method === "POST" && x.path === "/v1/chat/completions") {
    await chatHandler(x);
    return true;
  }
  if (x.req.method !== "POST" || x.path !== "/v1/responses") return false;
  const parsed = parseResponsesRequest(x.body, x.path);
  if ("invalid" in parsed) {
    // Said loudly, and logged: a CLI upgrade that changed the request shape must fail visibly.
    const empty = { model: "", stream: false, messages: [], tools: [], wantsJson: false, afterToolResult: false, lastUserText: "" };
    x.record({ kind: "openai", path: x.path, ...empty, reply: "error", usage: undefined });
    json(x.res, 400, errorBody(400, `fake: unreadable Responses request: ${parsed.invalid}`));
    return true;
  }
  const { request, tools } = parsed;
  const reply = x.choose(request);
  // `[[ratelimit:PERCENT]]`: Codex's rate-limit headers ride on the answer, as on the real backend.
  const limit = rateLimitOf(request);
  const limitHeaders = limit === undefined ? {} : rateLimitHeaders(limit);
  if (reply.kind === "error" || reply.kind === "disconnect") {
    x.record({ ...request, reply: reply.kind, usage: undefined });
    // As OpenAI does; a client that retries (Qwen Code, up to 7 times) then retries at once, not over minutes.
    if (reply.kind === "error") json(x.res, reply.status, errorBody(reply.status, reply.message), { "retry-after-ms": "1", ...limitHeaders });
    else disconnect(x.res);
    return true;
  }
  // A tool the request does not offer cannot be called: the model answers an echo instead.
  const called = reply.kind === "text" || reply.kind === "slow" ? undefined : toolItem(reply, tools);
  const item = called ?? messageItem(reply.kind === "text" || reply.kind === "slow" ? reply.text : echo(request, x.nonce));
  const usage = usageFor(request, payloadOf(item));
  x.record({ ...request, reply: called === undefined && reply.kind !== "slow" ? "text" : reply.kind, usage });
  if (!request.stream) json(x.res, 200, { ...responseBase(request), status: "completed", output: [item], usage: wireUsage(usage) }, limitHeaders);
  else await stream(x.res, request, item, reply.kind === "slow" ? reply : undefined, usage, limitHeaders);
  return true;
}

function echo(request: FakeRequest, nonce: string): string {
  return `${nonce} echo: ${request.lastUserText.slice(0, 500)}`;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

function responseBase(request: FakeRequest): Record<string, unknown> {
  return { id: `resp_${randomBytes(8).toString("hex")}`, object: "response", created_at: Math.floor(Date.now() / 1000), model: request.model };
}

/**
 * Streams one output item the way the Responses API does. Codex acts on `response.output_item.done`
 * and `response.completed` (whose usage it reports in `turn.completed`); deltas drive live output.
 */
async function stream(
  res: ServerResponse,
  request: FakeRequest,
  item: OutputItem,
  slow: Extract<FakeReply, { kind: "slow" }> | undefined,
  usage: FakeUsage,
  headers: Record<string, string>,
): Promise<void> {
  let sequence = 0;
  const send = (type: string, data: Record<string, unknown>): void => {
    writeSse(res, { type, sequence_number: sequence++, ...data }, type);
  };
  const base = responseBase(request);
  const at = { output_index: 0 };
  const ref = { item_id: item.id, ...at };
  openSse(res, headers);
  send("response.created", { response: { ...base, status: "in_progress", output: [] } });
  send("response.in_progress", { response: { ...base, status: "in_progress", output: [] } });
  if (item.type === "message") {
    const text = payloadOf(item);
    const part = { ...ref, content_index: 0 };
    send("response.output_item.added", { ...at, item: { ...item, status: "in_progress", content: [] } });
    send("response.content_part.added", { ...part, part: { type: "output_text", text: "", annotations: [] } });
    const delta = (piece: string): void => {
      send("response.output_text.delta", { ...part, delta: piece });
    };
    if (slow === undefined) for (const piece of splitText(text, 3)) delta(piece);
    // An interrupted CLI hangs up mid-stream: then there is nobody left to finish for.
    else if (!(await streamSlowly(res, splitText(text, slow.chunks), slow.durationMs, delta))) return;
    send("response.output_text.done", { ...part, text });
    send("response.content_part.done", { ...part, part: { type: "output_text", text, annotations: [] } });
  } else if (item.type === "function_call") {
    send("response.output_item.added", { ...at, item: { ...item, status: "in_progress", arguments: "" } });
    send("response.function_call_arguments.delta", { ...ref, delta: item.arguments });
    send("response.function_call_arguments.done", { ...ref, arguments: item.arguments });
  } else if (item.type === "custom_tool_call") {
    send("response.output_item.added", { ...at, item: { ...item, status: "in_progress", input: "" } });
    send("response.custom_tool_call_input.delta", { ...ref, delta: item.input });
    send("response.custom_tool_call_input.done", { ...ref, input: item.input });
  } else send("response.output_item.added", { ...at, item });
  send("response.output_item.done", { ...at, item });
  send("response.completed", { response: { ...base, status: "completed", output: [item], usage: wireUsage(usage) } });
  res.end();
}
