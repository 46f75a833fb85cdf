import type { ServerResponse } from "node:http";
import { rateLimitOf, usageFor } from "./directives.js";
import { candidate, errorBody, jsonAnswer, readGenerateBody, toFakeRequest, type Part } from "./gemini-wire.js";
import { startFakeServer, type FakeExchange, type FakeModelServer } from "./server.js";
import { disconnect, openSse, splitText, streamSlowly, writeSse } from "./sse.js";
import type { FakeReply, FakeRequest, FakeUsage } from "./types.js";

/**
 * Starts a fake Gemini API on 127.0.0.1, enough for the real Gemini CLI: `POST
 * /v1beta/models/<model>:generateContent` (the model router's JSON request, or a whole reply),
 * `:streamGenerateContent?alt=sse` (the main turn, as bare `data:` lines) and `:countTokens`.
 */
export function startGeminiFake(): Promise<FakeModelServer> {
  return startFakeServer("gemini", geminiHandler);
}

const ROUTE = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

/** The Gemini protocol module: answers one exchange, or returns false for a 404 logged as "none". */
export async function geminiHandler(x: FakeExchange): Promise<boolean> {
  const route = ROUTE.exec(x.path);
  if (x.req.method !== "POST" || route === null) return false;
  const [, model = "", method = ""] = route;
  const body = readGenerateBody(x.body);
  if (body === undefined) {
    x.record({ ...toFakeRequest(x.path, model, false, { contents: [], tools: [] }), reply: "error", usage: undefined });
    sendJson(x.res, 400, errorBody(400, "fake: body is not a Gemini request"));
    return true;
  }
  const request = toFakeRequest(x.path, model, method === "streamGenerateContent", body);
  if (method === "countTokens") {
    const usage = usageFor(request, "");
    x.record({ ...request, reply: "json", usage });
    sendJson(x.res, 200, { totalTokens: usage.input });
    return true;
  }
  if (request.wantsJson) {
    // A utility call (the model router first of all): never scripted, it only has to parse.
    const text = jsonAnswer(body);
    const usage = usageFor(request, text);
    x.record({ ...request, reply: "json", usage });
    await send(x.res, request, { kind: "text", text }, [{ text }], usage);
    return true;
  }
  const reply = x.choose(request);
  if (reply.kind === "error") {
    x.record({ ...request, reply: reply.kind, usage: undefined });
    // The Gemini API sends no rate-limit headers: `[[ratelimit]]` makes a 429 its full quota error instead.
    sendJson(x.res, reply.status, errorBody(reply.status, reply.message, rateLimitOf(request) !== undefined));
    return true;
  }
  if (reply.kind === "disconnect") {
    x.record({ ...request, reply: reply.kind, usage: undefined });
    disconnect(x.res);
    return true;
  }
  const parts = partsOf(reply, request, x.nonce);
  const usage = usageFor(request, parts.map((p) => p.text ?? JSON.stringify(p.functionCall)).join(""));
  x.record({ ...request, reply: reply.kind, usage });
  await send(x.res, request, reply, parts, usage);
  return true;
}

type Answer = Exclude<FakeReply, { kind: "error" } | { kind: "disconnect" }>;

/**
 * The parts a reply becomes. Tool calls use Gemini CLI's own names and parameters (seen in the
 * functionDeclarations of 0.61.0): run_shell_command {command, description?, dir_path?} and
 * write_file {file_path, content}. A call of a tool the request did not offer becomes text.
 */
function partsOf(reply: Answer, request: FakeRequest, nonce: string): Part[] {
  const offered = (name: string): boolean => request.tools.includes(name);
  switch (reply.kind) {
    case "text":
    case "slow":
      return [{ text: reply.text }];
    case "shell":
      return offered("run_shell_command")
        ? [{ functionCall: { name: "run_shell_command", args: { command: reply.command, description: "Run the requested command" } } }]
        : [{ text: `${nonce} no shell tool offered: ${reply.command}` }];
    case "edit":
      return offered("write_file")
        ? [{ functionCall: { name: "write_file", args: { file_path: reply.path, content: reply.content } } }]
        : [{ text: `${nonce} no write_file tool offered: ${reply.path}` }];
    case "tool":
      return offered(reply.name) ? [{ functionCall: { name: reply.name, args: reply.input } }] : [{ text: `${nonce} tool not offered: ${reply.name}` }];
  }
}

/** Answers as one JSON response or as SSE chunks; text is split (slowly for `slow`), calls go whole. */
async function send(res: ServerResponse, request: FakeRequest, reply: Answer, parts: Part[], usage: FakeUsage): Promise<void> {
  if (!request.stream) {
    sendJson(res, 200, candidate(request.model, parts, "STOP", usage));
    return;
  }
  openSse(res);
  const text = parts.length === 1 ? parts[0]?.text : undefined;
  if (text === undefined) {
    writeSse(res, candidate(request.model, parts, "STOP", usage));
    res.end();
    return;
  }
  const pieces = splitText(text, reply.kind === "slow" ? reply.chunks : 3);
  let index = 0;
  // Like the real API: finishReason and usageMetadata ride on the last chunk.
  const write = (piece: string): void => {
    const last = index === pieces.length - 1;
    writeSse(res, candidate(request.model, [{ text: piece }], last ? "STOP" : undefined, last ? usage : undefined));
    index += 1;
  };
  if (reply.kind === "slow") {
    // false: the CLI went away (interrupted); its socket is gone, nothing more to write.
    if (!(await streamSlowly(res, pieces, reply.durationMs, write))) return;
  } else {
    for (const piece of pieces) write(piece);
  }
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
