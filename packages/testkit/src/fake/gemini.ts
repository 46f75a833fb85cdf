import type { ServerResponse } from "node:http";
import { usageFor } from "./directives.js";
import { startFakeServer, type FakeExchange, type FakeModelServer } from "./server.js";
import { disconnect, openSse, splitText, streamSlowly, writeSse } from "./sse.js";
import type { FakeMessage, FakeReply, FakeRequest, FakeUsage } from "./types.js";

/**
 * Starts a fake Gemini API on 127.0.0.1: `:generateContent` (including the model router's JSON
 * request) and `:streamGenerateContent?alt=sse`.
 */
export function startGeminiFake(): Promise<FakeModelServer> {
  return startFakeServer("gemini", handle);
}

const ROUTE = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

async function handle(x: FakeExchange): Promise<boolean> {
  const route = ROUTE.exec(x.path);
  if (x.req.method !== "POST" || route === null) return false;
  const [, model = "", method] = route;
  const request = parse(x, model, method === "streamGenerateContent");
  if (method === "countTokens") {
    x.res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ totalTokens: usageFor(request, "").input }));
    return true;
  }
  if (request.wantsJson) {
    const text = JSON.stringify({ complexity_reasoning: "a fake model routes everything as simple", complexity_score: 1 });
    const usage = usageFor(request, text);
    x.record({ ...request, reply: "json", usage });
    x.res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(chunk([{ text }], "STOP", usage)));
    return true;
  }
  const reply = x.choose(request);
  const text = reply.kind === "text" || reply.kind === "slow" ? reply.text : "";
  const usage = reply.kind === "error" || reply.kind === "disconnect" ? undefined : usageFor(request, text);
  x.record({ ...request, reply: reply.kind, usage });
  await answer(x.res, request, reply, usage);
  return true;
}

interface Part {
  text?: string;
  thought?: boolean;
  functionCall?: unknown;
  functionResponse?: { response?: unknown };
}

function partsText(parts: Part[] | undefined): string {
  return (parts ?? []).filter((p) => p.thought !== true).map((p) => p.text ?? "").filter(Boolean).join("\n");
}

// Gemini CLI sends its own session context (date, OS, folder listing) as the first user message.
function isInjected(text: string): boolean {
  return /^\s*(<session_context>|This is the Gemini CLI\. We are setting up the context)/.test(text);
}

/** Reads a Gemini request into the fake's protocol-neutral form. */
function parse(x: FakeExchange, model: string, stream: boolean): FakeRequest {
  const body = (x.body ?? {}) as {
    systemInstruction?: { parts?: Part[] };
    contents?: { role?: string; parts?: Part[] }[];
    tools?: { functionDeclarations?: { name?: string }[] }[];
    generationConfig?: { responseMimeType?: string; responseSchema?: unknown; responseJsonSchema?: unknown };
    config?: { responseMimeType?: string };
  };
  const messages: FakeMessage[] = [];
  const system = partsText(body.systemInstruction?.parts);
  if (system) messages.push({ role: "system", text: system });
  let lastUserText = "";
  let afterToolResult = false;
  for (const content of body.contents ?? []) {
    const responses = (content.parts ?? []).filter((p) => p.functionResponse !== undefined);
    if (responses.length > 0) {
      messages.push({ role: "tool", text: responses.map((p) => JSON.stringify(p.functionResponse?.response)).join("\n") });
      afterToolResult = true;
      continue;
    }
    if (content.role === "model") {
      messages.push({ role: "assistant", text: partsText(content.parts) });
      afterToolResult = false;
      continue;
    }
    // The CLI's context may be a part of the same content as the prompt, or a content of its own.
    const injected = (content.parts ?? []).filter((p) => isInjected(p.text ?? ""));
    if (injected.length > 0) messages.push({ role: "system", text: partsText(injected) });
    const text = partsText((content.parts ?? []).filter((p) => !isInjected(p.text ?? "")));
    if (text === "") continue;
    messages.push({ role: "user", text });
    lastUserText = text;
    afterToolResult = false;
  }
  const gen = body.generationConfig;
  return {
    kind: "gemini",
    path: x.path,
    model,
    stream,
    messages,
    tools: (body.tools ?? []).flatMap((t) => (t.functionDeclarations ?? []).map((f) => f.name ?? "")).filter(Boolean),
    wantsJson: gen?.responseMimeType === "application/json" || gen?.responseSchema !== undefined || gen?.responseJsonSchema !== undefined,
    afterToolResult,
    lastUserText,
  };
}

function wireUsage(usage: FakeUsage | undefined): Record<string, number> {
  return {
    promptTokenCount: (usage?.input ?? 0) + (usage?.cacheRead ?? 0),
    candidatesTokenCount: usage?.output ?? 0,
    cachedContentTokenCount: usage?.cacheRead ?? 0,
    totalTokenCount: (usage?.input ?? 0) + (usage?.cacheRead ?? 0) + (usage?.output ?? 0),
  };
}

function chunk(parts: Part[], finishReason: string | undefined, usage: FakeUsage | undefined): Record<string, unknown> {
  return {
    candidates: [{ content: { role: "model", parts }, ...(finishReason === undefined ? {} : { finishReason }), index: 0 }],
    ...(usage === undefined ? {} : { usageMetadata: wireUsage(usage) }),
    modelVersion: "fake",
  };
}

const STATUS: Record<number, string> = { 400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 529: "UNAVAILABLE" };

/** The parts a reply becomes: text, or a run_shell_command / write_file function call. */
function partsOf(reply: FakeReply, request: FakeRequest): Part[] {
  if (reply.kind === "shell" && request.tools.includes("run_shell_command")) {
    return [{ functionCall: { name: "run_shell_command", args: { command: reply.command, description: "Run the requested command" } } }];
  }
  if (reply.kind === "tool" && request.tools.includes(reply.name)) {
    return [{ functionCall: { name: reply.name, args: reply.input } }];
  }
  if (reply.kind === "edit" && request.tools.includes("write_file")) {
    return [{ functionCall: { name: "write_file", args: { file_path: reply.path, content: reply.content } } }];
  }
  return [{ text: reply.kind === "text" || reply.kind === "slow" ? reply.text : "(no text)" }];
}

async function answer(res: ServerResponse, request: FakeRequest, reply: FakeReply, usage: FakeUsage | undefined): Promise<void> {
  if (reply.kind === "error") {
    res.writeHead(reply.status, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: reply.status, message: reply.message, status: STATUS[reply.status] ?? "UNKNOWN" } }));
    return;
  }
  if (reply.kind === "disconnect") {
    disconnect(res);
    return;
  }
  const parts = partsOf(reply, request);
  if (!request.stream) {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(chunk(parts, "STOP", usage)));
    return;
  }
  openSse(res);
  const text = parts[0]?.text;
  if (text === undefined) {
    writeSse(res, chunk(parts, "STOP", usage));
  } else {
    const pieces = splitText(text, reply.kind === "slow" ? reply.chunks : 3);
    const last = pieces.length - 1;
    let i = 0;
    const write = (piece: string): void => {
      writeSse(res, chunk([{ text: piece }], i === last ? "STOP" : undefined, i === last ? usage : undefined));
      i += 1;
    };
    if (reply.kind === "slow") {
      if (!(await streamSlowly(res, pieces, reply.durationMs, write))) return;
    } else for (const piece of pieces) write(piece);
  }
  res.end();
}
