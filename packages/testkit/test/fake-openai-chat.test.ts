import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOpenAIFake, usageFor, type FakeModelServer } from "../src/index.js";

// The OpenAI fake's Chat Completions path, driven with plain fetch on 127.0.0.1 the way OpenCode
// 1.18 (its `@ai-sdk/openai-compatible` provider) drives it.

interface Chunk {
  object: string;
  choices: { index: number; delta: { content?: string; tool_calls?: { function: { name?: string; arguments?: string } }[] }; finish_reason: string | null }[];
  usage?: Record<string, unknown>;
}

let fake: FakeModelServer;
beforeEach(async () => {
  fake = await startOpenAIFake();
});
afterEach(async () => {
  await fake.stop();
});

const post = (body: unknown): Promise<Response> =>
  fetch(`${fake.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

// Every `data:` line but the closing [DONE].
async function chunks(res: Response): Promise<Chunk[]> {
  expect(res.headers.get("content-type")).toBe("text/event-stream");
  const lines = (await res.text()).split("\n\n").filter((b) => b.trim() !== "");
  expect(lines.at(-1)).toBe("data: [DONE]");
  return lines.slice(0, -1).map((b) => JSON.parse(b.replace(/^data: /, "")) as Chunk);
}

const SYSTEM = { role: "system", content: "You are opencode.\n<env>\n  Working directory: /w/project\n</env>" };
const TOOLS = ["bash", "edit", "read", "write"].map((name) => ({ type: "function", function: { name, parameters: {} } }));
const ask = (text: string, extra: Record<string, unknown> = {}): unknown => ({
  model: "fake-model",
  stream: true,
  stream_options: { include_usage: true },
  messages: [SYSTEM, { role: "user", content: text }],
  tools: TOOLS,
  ...extra,
});
const text = (list: Chunk[]): string => list.map((c) => c.choices[0]?.delta.content ?? "").join("");
const args = (list: Chunk[]): string => list.map((c) => c.choices[0]?.delta.tool_calls?.[0]?.function.arguments ?? "").join("");

describe("OpenAI Chat Completions fake", () => {
  it("streams a text reply carrying the nonce, then the finish reason and a last chunk with the usage", async () => {
    const list = await chunks(await post(ask("hello there")));
    expect(text(list)).toBe(`${fake.nonce} echo: hello there`);
    expect(list.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(list.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    const recorded = fake.requests[0];
    expect(recorded).toMatchObject({
      kind: "openai",
      path: "/v1/chat/completions",
      model: "fake-model",
      stream: true,
      reply: "text",
      lastUserText: "hello there",
    });
    expect(recorded?.tools).toEqual(["bash", "edit", "read", "write"]);
    const usage = recorded && usageFor(recorded, text(list));
    expect(recorded?.usage).toEqual(usage);
    expect(list.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: usage?.input, completion_tokens: usage?.output } });
    // Without include_usage, no usage chunk.
    expect((await chunks(await post(ask("again", { stream_options: undefined })))).some((c) => c.usage !== undefined)).toBe(false);
  });

  it("answers [[shell:CMD]] with a bash call and [[edit:PATH|CONTENT]] with a write call on an absolute path", async () => {
    const shell = await chunks(await post(ask("[[shell:touch x.txt]]")));
    expect(shell[1]?.choices[0]?.delta.tool_calls?.[0]?.function.name).toBe("bash");
    expect(JSON.parse(args(shell))).toMatchObject({ command: "touch x.txt" });
    expect(shell.at(-2)?.choices[0]?.finish_reason).toBe("tool_calls");
    const edit = await chunks(await post(ask("[[edit:a.txt|one]]")));
    expect(edit[1]?.choices[0]?.delta.tool_calls?.[0]?.function.name).toBe("write");
    expect(JSON.parse(args(edit))).toEqual({ filePath: "/w/project/a.txt", content: "one" });
    expect(fake.requests.map((r) => r.reply)).toEqual(["shell", "edit"]);
  });

  it("goes on after a tool result with text, seeing the call and its output", async () => {
    const call = { id: "c1", type: "function", function: { name: "bash", arguments: '{"command":"ls"}' } };
    const messages = [SYSTEM, { role: "user", content: "[[shell:ls]]" }, { role: "assistant", content: "", tool_calls: [call] }];
    const list = await chunks(await post(ask("", { messages: [...messages, { role: "tool", tool_call_id: "c1", content: "a.txt" }] })));
    expect(text(list)).toBe(`${fake.nonce} tool done: a.txt`);
    expect(fake.requests[0]).toMatchObject({ afterToolResult: true, lastUserText: "[[shell:ls]]" });
    expect(fake.requests[0]?.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool"]);
    expect(fake.requests[0]?.messages[2]?.text).toBe('bash({"command":"ls"})');
  });

  it("answers OpenCode's title request with a title, logged as such, whatever the prompt asks", async () => {
    fake.script(() => ({ kind: "error", status: 500, message: "the scripter was asked" }));
    const title = { role: "system", content: "You are a title generator. You output ONLY a thread title." };
    const messages = [title, { role: "user", content: "Generate a title for this conversation:\n" }, { role: "user", content: "[[slow:30000]] hi" }];
    const list = await chunks(await post(ask("", { messages, tools: undefined })));
    expect(text(list)).toBe("Fake conversation");
    expect(fake.requests[0]).toMatchObject({ reply: "title", lastUserText: "[[slow:30000]] hi" });
  });

  it("answers [[error:STATUS]] with that status and OpenAI's error body, and a request it cannot read with 400", async () => {
    const res = await post(ask("[[error:429]]"));
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("fake error 429");
    expect((await post({ model: "m", messages: "not a list" })).status).toBe(400);
    expect(fake.requests.map((r) => r.reply)).toEqual(["error", "error"]);
  });

  it("answers a non-streaming request with one JSON completion", async () => {
    const res = await post(ask("plain", { stream: false }));
    const body = (await res.json()) as { object: string; choices: { message: { content: string }; finish_reason: string }[] };
    expect(body).toMatchObject({ object: "chat.completion", choices: [{ message: { content: `${fake.nonce} echo: plain` }, finish_reason: "stop" }] });
  });
});
