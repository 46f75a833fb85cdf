import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startAnthropicFake, usageFor, type FakeModelServer } from "../src/index.js";

interface SseEvent {
  type: string;
  index?: number;
  message?: { model: string; usage: Record<string, number> };
  content_block?: { type: string; name?: string; input?: unknown };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string };
  usage?: Record<string, number>;
}

interface JsonMessage {
  type: string;
  role: string;
  stop_reason: string;
  content: { type: string; text?: string; name?: string; input?: Record<string, string> }[];
  usage: Record<string, number>;
}

/** Reads an SSE body, checking that every `event:` line names the type of the data that follows. */
async function readSse(res: Response): Promise<SseEvent[]> {
  expect(res.headers.get("content-type")).toBe("text/event-stream");
  const frames = (await res.text()).split("\n\n").filter((frame) => frame.trim().length > 0);
  return frames.map((frame) => {
    const [eventLine, dataLine] = frame.split("\n");
    const data = JSON.parse(dataLine?.replace(/^data: /, "") ?? "") as SseEvent;
    expect(eventLine).toBe(`event: ${data.type}`);
    return data;
  });
}

const TOOLS = [
  { name: "Bash", input_schema: {} },
  { name: "Write", input_schema: {} },
];

let fake: FakeModelServer;
beforeEach(async () => {
  fake = await startAnthropicFake();
});
afterEach(async () => {
  await fake.stop();
});

/** Posts a Messages request whose last user message is `text`. */
function ask(text: string, extra: Record<string, unknown> = {}, path = "/v1/messages?beta=true"): Promise<Response> {
  const body = { model: "claude-test", max_tokens: 1024, stream: true, tools: TOOLS, messages: [{ role: "user", content: text }], ...extra };
  return fetch(`${fake.url}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": "test" }, body: JSON.stringify(body) });
}

describe("Anthropic Messages fake: text", () => {
  it("listens on 127.0.0.1 only and answers the reachability probes", async () => {
    expect(new URL(fake.url).hostname).toBe("127.0.0.1");
    expect((await fetch(fake.url, { method: "HEAD" })).status).toBe(200);
    expect((await fetch(`${fake.url}/`)).status).toBe(200);
    expect(fake.requests).toHaveLength(0);
  });

  it("streams a text reply carrying the nonce, in the real event order, with usage", async () => {
    const events = await readSse(await ask("hi there"));
    expect(events.map((e) => e.type)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const text = events
      .filter((e) => e.delta?.type === "text_delta")
      .map((e) => e.delta?.text)
      .join("");
    expect(text).toBe(`${fake.nonce} echo: hi there`);
    const [recorded] = fake.requests;
    expect(recorded).toMatchObject({
      kind: "anthropic",
      method: "POST",
      path: "/v1/messages",
      model: "claude-test",
      stream: true,
      reply: "text",
      lastUserText: "hi there",
    });
    const usage = usageFor(recorded ?? fail(), text);
    expect(recorded?.usage).toEqual(usage);
    expect(events[0]?.message?.model).toBe("claude-test");
    expect(events[0]?.message?.usage).toMatchObject({ input_tokens: usage.input, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
    const final = events.at(-2);
    expect(final?.delta?.stop_reason).toBe("end_turn");
    expect(final?.usage).toEqual({ input_tokens: usage.input, output_tokens: usage.output, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  });

  it("answers one JSON message when not streaming", async () => {
    const res = await ask("plain please", { stream: false }, "/v1/messages");
    expect(res.headers.get("content-type")).toBe("application/json");
    const message = (await res.json()) as JsonMessage;
    expect(message).toMatchObject({ type: "message", role: "assistant", stop_reason: "end_turn" });
    expect(message.content).toEqual([{ type: "text", text: `${fake.nonce} echo: plain please` }]);
    expect(message.usage.output_tokens).toBe(fake.requests[0]?.usage?.output);
    expect(fake.requests[0]?.stream).toBe(false);
  });

  it("spreads a [[slow:MS]] reply over that time", async () => {
    const started = Date.now();
    const events = await readSse(await ask("[[slow:400]] take your time"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(events.filter((e) => e.delta?.type === "text_delta").length).toBeGreaterThan(5);
    expect(fake.requests[0]?.reply).toBe("slow");
  });

  it("lets a scripter choose the reply", async () => {
    fake.script((request) => (request.lastUserText === "scripted?" ? { kind: "text", text: "from the script" } : undefined));
    const message = (await (await ask("scripted?", { stream: false })).json()) as JsonMessage;
    expect(message.content[0]?.text).toBe("from the script");
    const fallback = (await (await ask("not scripted", { stream: false })).json()) as JsonMessage;
    expect(fallback.content[0]?.text).toContain(fake.nonce);
  });
});

describe("Anthropic Messages fake: tool calls", () => {
  it("streams [[shell:CMD]] as a Bash tool_use via input_json_delta", async () => {
    const events = await readSse(await ask("please [[shell:touch /tmp/x]]"));
    const start = events.find((e) => e.type === "content_block_start");
    expect(start?.content_block).toMatchObject({ type: "tool_use", name: "Bash", input: {} });
    const parts = events.filter((e) => e.delta?.type === "input_json_delta").map((e) => e.delta?.partial_json ?? "");
    expect(parts.length).toBeGreaterThan(1);
    expect(JSON.parse(parts.join(""))).toEqual({ command: "touch /tmp/x", description: expect.any(String) as unknown });
    expect(events.find((e) => e.type === "message_delta")?.delta?.stop_reason).toBe("tool_use");
    expect(fake.requests[0]?.reply).toBe("shell");
  });

  it("answers [[edit:PATH|CONTENT]] with a Write tool_use", async () => {
    const message = (await (await ask("[[edit:/tmp/f.txt|body text]]", { stream: false })).json()) as JsonMessage;
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content[0]).toMatchObject({ type: "tool_use", name: "Write", input: { file_path: "/tmp/f.txt", content: "body text" } });
    expect(fake.requests[0]?.reply).toBe("edit");
  });

  it("echoes text instead of calling a tool the request did not offer", async () => {
    const message = (await (await ask("[[shell:ls]]", { stream: false, tools: [{ name: "Read" }] })).json()) as JsonMessage;
    expect(message.stop_reason).toBe("end_turn");
    expect(message.content[0]?.text).toBe(`${fake.nonce} echo: [[shell:ls]]`);
  });

  it("goes on in text after a tool result", async () => {
    const messages = [
      { role: "user", content: "[[shell:echo hi]]" },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "echo hi" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "hi" }] }] },
    ];
    const message = (await (await ask("", { stream: false, messages })).json()) as JsonMessage;
    expect(message.content[0]?.text).toBe(`${fake.nonce} tool done: hi`);
    expect(fake.requests[0]).toMatchObject({ afterToolResult: true, lastUserText: "[[shell:echo hi]]", reply: "text" });
  });
});

describe("Anthropic Messages fake: failures", () => {
  it.each([
    [429, "rate_limit_error"],
    [529, "overloaded_error"],
    [401, "authentication_error"],
    [500, "api_error"],
  ])("answers [[error:%i]] with Anthropic's %s body", async (status, type) => {
    const res = await ask(`[[error:${status}]]`);
    expect(res.status).toBe(status);
    expect(res.headers.get("x-should-retry")).toBe("false");
    expect(await res.json()).toEqual({ type: "error", error: { type, message: expect.stringContaining(String(status)) as unknown } });
    expect(fake.requests[0]).toMatchObject({ reply: "error", usage: undefined });
  });

  it("drops the connection on [[disconnect]]", async () => {
    await expect(ask("[[disconnect]]").then((res) => res.text())).rejects.toThrow();
    expect(fake.requests[0]?.reply).toBe("disconnect");
  });

  it("answers a body that is not a Messages request with invalid_request_error", async () => {
    const res = await fetch(`${fake.url}/v1/messages`, { method: "POST", body: JSON.stringify({ messages: "nope" }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
  });

  it("logs unknown paths with reply none and answers 404", async () => {
    const res = await fetch(`${fake.url}/v1/models`);
    expect(res.status).toBe(404);
    expect(fake.requests[0]).toMatchObject({ method: "GET", path: "/v1/models", reply: "none" });
  });
});

describe("Anthropic Messages fake: request log", () => {
  it("flattens system prompts, system entries, tool calls and tool results", async () => {
    const messages = [
      {
        role: "user",
        content: [
          { type: "text", text: "<system-reminder>context</system-reminder>" },
          { type: "text", text: "first question" },
        ],
      },
      { role: "system", content: "# Environment" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "let me look" },
          { type: "tool_use", id: "t1", name: "Bash", input: { command: "ls" } },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "a.txt" }] },
      { role: "assistant", content: [{ type: "text", text: "found a.txt" }] },
      { role: "user", content: [{ type: "text", text: "[[history]]" }] },
    ];
    const system = [
      { type: "text", text: "You are a test." },
      { type: "text", text: "Be brief." },
    ];
    const message = (await (await ask("", { stream: false, system, messages })).json()) as JsonMessage;
    const [recorded] = fake.requests;
    expect(recorded?.messages).toEqual([
      { role: "system", text: "You are a test.\nBe brief." },
      { role: "user", text: "<system-reminder>context</system-reminder>\nfirst question" },
      { role: "system", text: "# Environment" },
      { role: "assistant", text: 'let me look\n[tool_use Bash] {"command":"ls"}' },
      { role: "tool", text: "a.txt" },
      { role: "assistant", text: "found a.txt" },
      { role: "user", text: "[[history]]" },
    ]);
    expect(recorded).toMatchObject({ afterToolResult: false, lastUserText: "[[history]]", tools: ["Bash", "Write"], reply: "text" });
    expect(recorded?.body).toMatchObject({ model: "claude-test", system });
    expect(message.content[0]?.text).toContain("<system-reminder>context</system-reminder>\nfirst question | [[history]]");
  });

  it("counts tokens for count_tokens and logs it as a JSON reply", async () => {
    const res = await ask("count me", {}, "/v1/messages/count_tokens?beta=true");
    const counted = (await res.json()) as { input_tokens: number };
    const [recorded] = fake.requests;
    expect(recorded).toMatchObject({ path: "/v1/messages/count_tokens", reply: "json" });
    expect(counted.input_tokens).toBe(recorded?.usage?.input);
    expect(counted.input_tokens).toBe(Math.ceil("count me".length / 4));
  });

  it("forgets the log on clearRequests", async () => {
    await (await ask("one")).text();
    expect(fake.requests).toHaveLength(1);
    fake.clearRequests();
    expect(fake.requests).toHaveLength(0);
  });
});

function fail(): never {
  throw new Error("expected a recorded request");
}
