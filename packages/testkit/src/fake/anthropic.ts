import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { errorBody, rateLimitHeaders, readMessagesBody, toFakeRequest, wireUsage, type ReplyBlock } from "./anthropic-wire.js";
import { rateLimitOf, usageFor } from "./directives.js";
import { startFakeServer, type FakeExchange, type FakeModelServer } from "./server.js";
import { disconnect, openSse, splitText, streamSlowly, writeSse } from "./sse.js";
import type { FakeReply, FakeRequest } from "./types.js";

/**
 * Starts a fake Anthropic Messages API on 127.0.0.1, enough for the real Claude Code: `POST
 * /v1/messages` (with or without `?beta=true`, streamed as SSE or answered as one JSON message),
 * `POST /v1/messages/count_tokens`, and `HEAD`/`GET /` (connectivity checks).
 */
export function startAnthropicFake(): Promise<FakeModelServer> {
  return startFakeServer("anthropic", anthropicHandler);
}

/** The Anthropic protocol module: answers one exchange, or returns false for a 404 logged as "none". */
export async function anthropicHandler(x: FakeExchange): Promise<boolean> {
  const method = x.req.method ?? "GET";
  if ((method === "HEAD" || method === "GET") && x.path === "/") {
    // A reachability probe, not a model call: answered but kept out of the request log.
    x.res.writeHead(200).end();
    return true;
  }
  if (method !== "POST" || (x.path !== "/v1/messages" && x.path !== "/v1/messages/count_tokens")) return false;
  const body = readMessagesBody(x.body);
  if (body === undefined) {
    const request = toFakeRequest(x.path, { model: "", messages: [], tools: [] });
    x.record({ ...request, reply: "error", usage: undefined });
    sendJson(x.res, 400, errorBody(400, "fake: body is not a Messages request"));
    return true;
  }
  const request = toFakeRequest(x.path, body);
  if (x.path === "/v1/messages/count_tokens") {
    const usage = usageFor(request, "");
    x.record({ ...request, reply: "json", usage });
    sendJson(x.res, 200, { input_tokens: usage.input });
    return true;
  }
  await answer(x, request, x.choose(request));
  return true;
}

async function answer(x: FakeExchange, request: FakeRequest, reply: FakeReply): Promise<void> {
  // `[[ratelimit:PERCENT]]`: the account's unified rate-limit state rides on the answer, as on the real API.
  const limit = rateLimitOf(request);
  const limitHeaders = limit === undefined ? {} : rateLimitHeaders(limit);
  if (reply.kind === "error") {
    x.record({ ...request, reply: reply.kind, usage: undefined });
    // x-should-retry: false makes the client fail at once instead of backing off for minutes.
    sendJson(x.res, reply.status, errorBody(reply.status, reply.message), { "x-should-retry": "false", ...limitHeaders });
    return;
  }
  if (reply.kind === "disconnect") {
    x.record({ ...request, reply: reply.kind, usage: undefined });
    disconnect(x.res);
    return;
  }
  const block = blockFor(reply, request, x.nonce);
  const usage = usageFor(request, block.type === "text" ? block.text : JSON.stringify(block.input));
  x.record({ ...request, reply: reply.kind, usage });
  const stop = block.type === "tool_use" ? "tool_use" : "end_turn";
  const message = { id: `msg_${randomBytes(8).toString("hex")}`, type: "message", role: "assistant", model: request.model };
  if (!request.stream) {
    sendJson(x.res, 200, { ...message, content: [block], stop_reason: stop, stop_sequence: null, usage: wireUsage(usage) }, limitHeaders);
    return;
  }
  const res = x.res;
  openSse(res, limitHeaders);
  const event = (data: { type: string } & Record<string, unknown>): void => {
    writeSse(res, data, data.type);
  };
  // Like the real API: input counts up front, the final counts (output included) in message_delta.
  event({
    type: "message_start",
    message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...wireUsage(usage), output_tokens: 0 } },
  });
  if (block.type === "tool_use") {
    event({ type: "content_block_start", index: 0, content_block: { ...block, input: {} } });
    for (const part of splitText(JSON.stringify(block.input), 3)) {
      event({ type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: part } });
    }
  } else {
    event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
    const delta = (text: string): void => {
      event({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });
    };
    if (reply.kind === "slow") {
      // The client went away mid-stream (an interrupt): nothing more to write.
      if (!(await streamSlowly(res, splitText(block.text, reply.chunks), reply.durationMs, delta))) return;
    } else {
      for (const piece of splitText(block.text, 3)) delta(piece);
    }
  }
  event({ type: "content_block_stop", index: 0 });
  event({ type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage: wireUsage(usage) });
  event({ type: "message_stop" });
  res.end();
}

/**
 * The content block a reply becomes, in Claude Code's own tool vocabulary. A tool call the request
 * did not offer would be rejected by the CLI, so it degrades to an echo that carries the nonce.
 */
function blockFor(reply: Exclude<FakeReply, { kind: "error" | "disconnect" }>, request: FakeRequest, nonce: string): ReplyBlock {
  const id = `toolu_${randomBytes(8).toString("hex")}`;
  switch (reply.kind) {
    case "text":
    case "slow":
      return { type: "text", text: reply.text };
    case "shell":
      if (request.tools.includes("Bash")) {
        return { type: "tool_use", id, name: "Bash", input: { command: reply.command, description: "Run the command the test asked for" } };
      }
      break;
    case "tool":
      if (request.tools.includes(reply.name)) return { type: "tool_use", id, name: reply.name, input: reply.input };
      break;
    case "edit":
      if (request.tools.includes("Write")) {
        return { type: "tool_use", id, name: "Write", input: { file_path: reply.path, content: reply.content } };
      }
      break;
  }
  return { type: "text", text: `${nonce} echo: ${request.lastUserText.slice(0, 500)}` };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "request-id": `req_fake_${randomBytes(6).toString("hex")}`, ...headers });
  res.end(JSON.stringify(body));
}
