import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { usageFor } from "./directives.js";
import { startFakeServer, type FakeExchange, type FakeModelServer } from "./server.js";
import { disconnect, openSse, splitText, streamSlowly, writeSse } from "./sse.js";
import type { FakeMessage, FakeReply, FakeRequest, FakeUsage } from "./types.js";

/** Starts a fake OpenAI Responses API (`POST /v1/responses`, SSE) on 127.0.0.1. */
export function startOpenAIFake(): Promise<FakeModelServer> {
  return startFakeServer("openai", handle);
}

async function handle(x: FakeExchange): Promise<boolean> {
  if (x.req.method === "GET" && x.path === "/v1/models") {
    x.res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data: [], models: [] }));
    return true;
  }
  if (x.req.method !== "POST" || x.path !== "/v1/responses") return false;
  const request = parse(x);
  const reply = x.choose(request);
  const text = reply.kind === "text" || reply.kind === "slow" ? reply.text : "";
  const usage = reply.kind === "error" || reply.kind === "disconnect" ? undefined : usageFor(request, text);
  x.record({ ...request, reply: reply.kind, usage });
  await answer(x.res, request, reply, usage);
  return true;
}

interface InputItem {
  type?: string;
  role?: string;
  content?: unknown;
  output?: unknown;
  name?: string;
}

// Codex adds its own context as user messages (environment, AGENTS.md, permissions) wrapped in tags.
function isInjected(text: string): boolean {
  return /^\s*<(environment_context|user_instructions|permissions|INSTRUCTIONS|user_shell_command|turn_aborted)/i.test(text) || text.trimStart().startsWith("# AGENTS.md");
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return (content as { text?: string }[]).map((c) => c.text ?? "").filter(Boolean).join("\n");
}

/** Reads a Responses request into the fake's protocol-neutral form. */
function parse(x: FakeExchange): FakeRequest {
  const body = (x.body ?? {}) as { model?: string; stream?: boolean; instructions?: string; input?: InputItem[]; tools?: { name?: string; type?: string }[] };
  const messages: FakeMessage[] = [];
  if (body.instructions) messages.push({ role: "system", text: body.instructions });
  let lastUserText = "";
  let afterToolResult = false;
  for (const item of body.input ?? []) {
    if (item.type === "function_call_output" || item.type === "custom_tool_call_output") {
      messages.push({ role: "tool", text: typeof item.output === "string" ? item.output : JSON.stringify(item.output) });
      afterToolResult = true;
      continue;
    }
    if (item.type !== undefined && item.type !== "message") continue;
    const text = textOf(item.content);
    const role = item.role === "assistant" ? "assistant" : item.role === "user" ? "user" : "system";
    if (role === "user" && isInjected(text)) {
      messages.push({ role: "system", text });
      continue;
    }
    messages.push({ role, text });
    if (role === "user") lastUserText = text;
    afterToolResult = false;
  }
  return {
    kind: "openai",
    path: x.path,
    model: body.model ?? "",
    stream: body.stream !== false,
    messages,
    tools: (body.tools ?? []).map((t) => t.name ?? t.type ?? "").filter(Boolean),
    wantsJson: false,
    afterToolResult,
    lastUserText,
  };
}

const ERROR_TYPES: Record<number, string> = { 401: "invalid_api_key", 429: "rate_limit_exceeded", 500: "server_error", 529: "server_is_overloaded" };

type OutputItem = Record<string, unknown>;

/** The output item a reply becomes: a message, an exec_command call or an apply_patch call. */
function itemOf(reply: FakeReply, request: FakeRequest): OutputItem {
  const id = randomBytes(8).toString("hex");
  if (reply.kind === "shell" && request.tools.includes("exec_command")) {
    return { type: "function_call", id: `fc_${id}`, call_id: `call_${id}`, name: "exec_command", arguments: JSON.stringify({ cmd: reply.command }), status: "completed" };
  }
  if (reply.kind === "shell" && request.tools.includes("shell")) {
    return { type: "function_call", id: `fc_${id}`, call_id: `call_${id}`, name: "shell", arguments: JSON.stringify({ command: ["bash", "-lc", reply.command] }), status: "completed" };
  }
  if (reply.kind === "tool" && request.tools.includes(reply.name)) {
    return { type: "function_call", id: `fc_${id}`, call_id: `call_${id}`, name: reply.name, arguments: JSON.stringify(reply.input), status: "completed" };
  }
  if (reply.kind === "edit" && request.tools.includes("apply_patch")) {
    const lines = reply.content.split("\n").map((l) => `+${l}`).join("\n");
    return { type: "custom_tool_call", id: `ctc_${id}`, call_id: `call_${id}`, name: "apply_patch", input: `*** Begin Patch\n*** Add File: ${reply.path}\n${lines}\n*** End Patch\n`, status: "completed" };
  }
  const text = reply.kind === "text" || reply.kind === "slow" ? reply.text : "(no text)";
  return { type: "message", id: `msg_${id}`, role: "assistant", status: "completed", content: [{ type: "output_text", text, annotations: [] }] };
}

function wireUsage(usage: FakeUsage | undefined): Record<string, unknown> {
  const input = (usage?.input ?? 0) + (usage?.cacheRead ?? 0);
  const output = usage?.output ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage?.cacheRead ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

async function answer(res: ServerResponse, request: FakeRequest, reply: FakeReply, usage: FakeUsage | undefined): Promise<void> {
  if (reply.kind === "error") {
    res.writeHead(reply.status, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: reply.message, type: ERROR_TYPES[reply.status] ?? "server_error", code: ERROR_TYPES[reply.status] ?? null, param: null } }));
    return;
  }
  if (reply.kind === "disconnect") {
    disconnect(res);
    return;
  }
  let seq = 0;
  const send = (type: string, data: Record<string, unknown>): void => {
    writeSse(res, { type, sequence_number: seq++, ...data }, type);
  };
  const id = `resp_${randomBytes(8).toString("hex")}`;
  const base = { id, object: "response", created_at: Math.floor(Date.now() / 1000), model: request.model, output: [] as unknown[] };
  const item = itemOf(reply, request);
  openSse(res);
  send("response.created", { response: { ...base, status: "in_progress" } });
  send("response.in_progress", { response: { ...base, status: "in_progress" } });
  if (item.type === "message") {
    const text = ((item.content as { text: string }[])[0] as { text: string }).text;
    send("response.output_item.added", { output_index: 0, item: { ...item, status: "in_progress", content: [] } });
    send("response.content_part.added", { item_id: item.id, output_index: 0, content_index: 0, part: { type: "output_text", text: "", annotations: [] } });
    const delta = (piece: string): void => {
      send("response.output_text.delta", { item_id: item.id, output_index: 0, content_index: 0, delta: piece });
    };
    if (reply.kind === "slow") {
      if (!(await streamSlowly(res, splitText(text, reply.chunks), reply.durationMs, delta))) return;
    } else for (const piece of splitText(text, 3)) delta(piece);
    send("response.output_text.done", { item_id: item.id, output_index: 0, content_index: 0, text });
    send("response.content_part.done", { item_id: item.id, output_index: 0, content_index: 0, part: { type: "output_text", text, annotations: [] } });
  } else {
    send("response.output_item.added", { output_index: 0, item });
  }
  send("response.output_item.done", { output_index: 0, item });
  send("response.completed", { response: { ...base, status: "completed", output: [item], usage: wireUsage(usage) } });
  res.end();
}
