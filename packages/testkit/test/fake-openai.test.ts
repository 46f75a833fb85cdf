import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOpenAIFake, usageFor, type FakeModelServer } from "../src/index.js";

// The OpenAI Responses fake, driven with plain fetch on 127.0.0.1 the way Codex 0.169 drives it.

interface SseEvent {
  event: string;
  data: {
    type: string;
    sequence_number: number;
    delta?: string;
    item?: Record<string, unknown>;
    response?: { usage?: Record<string, unknown>; output?: unknown[] };
  };
}

let fake: FakeModelServer;
beforeEach(async () => {
  fake = await startOpenAIFake();
});
afterEach(async () => {
  await fake.stop();
});

const post = (body: unknown, path = "/v1/responses"): Promise<Response> =>
  fetch(`${fake.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function events(res: Response): Promise<SseEvent[]> {
  expect(res.headers.get("content-type")).toBe("text/event-stream");
  return (await res.text())
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const [eventLine = "", dataLine = ""] = block.split("\n");
      return { event: eventLine.replace(/^event: /, ""), data: JSON.parse(dataLine.replace(/^data: /, "")) as SseEvent["data"] };
    });
}

const user = (text: string): unknown => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
// What Codex 0.169 offers (abridged): functions, the freeform apply_patch, and hosted tools without a name.
const TOOLS = [
  { type: "function", name: "exec_command", parameters: {} },
  { type: "custom", name: "apply_patch", format: { type: "grammar", syntax: "lark", definition: "..." } },
  { type: "tool_search", execution: "client" },
  { type: "web_search" },
];
const ask = (text: string, extra: Record<string, unknown> = {}): unknown => ({ model: "gpt-5.5", stream: true, tools: TOOLS, input: [user(text)], ...extra });
const doneItem = (list: SseEvent[]): Record<string, unknown> | undefined => list.find((e) => e.event === "response.output_item.done")?.data.item;

describe("OpenAI Responses fake", () => {
  it("streams a text reply carrying the nonce, in the Responses event order, with usage", async () => {
    const list = await events(await post(ask("hello there")));
    const types = list.map((e) => e.event).filter((t) => t !== "response.output_text.delta");
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(list.every((e, i) => e.data.type === e.event && e.data.sequence_number === i)).toBe(true);
    const text = list.map((e) => e.data.delta ?? "").join("");
    expect(text).toBe(`${fake.nonce} echo: hello there`);
    expect(list.filter((e) => e.event === "response.output_text.delta").length).toBeGreaterThan(1);
    const recorded = fake.requests[0];
    expect(recorded).toMatchObject({
      kind: "openai",
      method: "POST",
      path: "/v1/responses",
      model: "gpt-5.5",
      stream: true,
      reply: "text",
      lastUserText: "hello there",
    });
    expect(recorded?.usage).toEqual(recorded && usageFor(recorded, text));
    const usage = recorded?.usage ?? { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    expect(list.at(-1)?.data.response?.usage).toEqual({
      input_tokens: usage.input,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: usage.output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: usage.input + usage.output,
    });
  });

  it("reads instructions, developer messages and Codex's injected context apart from the real prompt", async () => {
    await (
      await post(
        ask("", {
          instructions: "be brief",
          input: [
            { type: "message", role: "developer", content: [{ type: "input_text", text: "<permissions instructions>..." }] },
            user("earlier prompt"),
            { type: "message", role: "assistant", content: [{ type: "output_text", text: "earlier answer" }] },
            {
              type: "message",
              role: "user",
              content: [
                { type: "input_text", text: "# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>x</INSTRUCTIONS>" },
                { type: "input_text", text: "<environment_context>\n<cwd>/w</cwd>\n</environment_context>" },
              ],
            },
            user("the real prompt"),
            { type: "reasoning", summary: [] },
          ],
        }),
      )
    ).text();
    const recorded = fake.requests[0];
    expect(recorded?.lastUserText).toBe("the real prompt");
    expect(recorded?.messages.map((m) => m.role)).toEqual(["system", "system", "user", "assistant", "system", "user"]);
    expect(recorded?.tools).toEqual(["exec_command", "apply_patch", "tool_search", "web_search"]);
    expect(recorded?.afterToolResult).toBe(false);
  });

  it("answers [[shell:...]] with an exec_command function_call, and echoes when no shell is offered", async () => {
    const list = await events(await post(ask("please [[shell:touch /tmp/x]]")));
    expect(doneItem(list)).toMatchObject({ type: "function_call", name: "exec_command", arguments: JSON.stringify({ cmd: "touch /tmp/x" }) });
    expect(list.map((e) => e.event)).toContain("response.function_call_arguments.done");
    expect(fake.requests[0]?.reply).toBe("shell");
    const bare = await events(await post(ask("[[shell:ls]]", { tools: [{ type: "function", name: "view_image" }] })));
    expect(doneItem(bare)).toMatchObject({ type: "message" });
    expect(fake.requests[1]?.reply).toBe("text");
  });

  it("answers [[edit:PATH|CONTENT]] with an apply_patch custom_tool_call adding the file", async () => {
    const list = await events(await post(ask("[[edit:/tmp/a.txt|line one\nline two]]")));
    expect(doneItem(list)).toMatchObject({
      type: "custom_tool_call",
      name: "apply_patch",
      input: "*** Begin Patch\n*** Add File: /tmp/a.txt\n+line one\n+line two\n*** End Patch\n",
    });
    expect(fake.requests[0]?.reply).toBe("edit");
  });

  it("goes on after a tool output (function or custom, string or parts) with text", async () => {
    const history = [user("[[shell:ls]]"), { type: "function_call", name: "exec_command", arguments: "{}", call_id: "c1" }];
    const list = await events(await post(ask("", { input: [...history, { type: "function_call_output", call_id: "c1", output: "a.txt\nb.txt" }] })));
    expect(list.map((e) => e.data.delta ?? "").join("")).toBe(`${fake.nonce} tool done: a.txt\nb.txt`);
    await (
      await post(ask("", { input: [...history, { type: "custom_tool_call_output", call_id: "c1", output: [{ type: "input_text", text: "Success." }] }] }))
    ).text();
    expect(fake.requests.map((r) => [r.afterToolResult, r.messages.at(-1)])).toEqual([
      [true, { role: "tool", text: "a.txt\nb.txt" }],
      [true, { role: "tool", text: "Success." }],
    ]);
  });

  it("reaches a deferred MCP tool through a tool_search detour, then calls it by namespace", async () => {
    fake.script((r) => (r.afterToolResult ? undefined : { kind: "tool", name: "mcp__srv__ping", input: { word: "hi" } }));
    const deferred = {
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text: "<tools>\nDeferred tool namespaces:\n- mcp__srv\n</tools>" }],
    };
    const first = await events(await post(ask("", { input: [deferred, user("call ping")] })));
    const search = doneItem(first);
    expect(search).toMatchObject({ type: "tool_search_call", execution: "client", arguments: { query: "ping" } });
    const found = {
      type: "tool_search_output",
      call_id: search?.call_id,
      tools: [{ type: "namespace", name: "mcp__srv", tools: [{ type: "function", name: "ping" }] }],
    };
    const second = await events(await post(ask("", { input: [deferred, user("call ping"), search, found] })));
    expect(doneItem(second)).toMatchObject({ type: "function_call", namespace: "mcp__srv", name: "ping", arguments: '{"word":"hi"}' });
    expect(fake.requests[1]).toMatchObject({ afterToolResult: false, reply: "tool" });
    expect(fake.requests[1]?.tools).toContain("mcp__srv__ping");
  });

  it("answers [[error:STATUS]] with that status and OpenAI's error body", async () => {
    for (const status of [429, 529, 401, 500]) {
      const res = await post(ask(`[[error:${status}]]`));
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { message: string; type: string; code: string | null } };
      expect(body.error.message).toBe(`fake error ${status}`);
      expect(typeof body.error.type).toBe("string");
      expect("code" in body.error).toBe(true);
    }
    expect(fake.requests.map((r) => [r.reply, r.usage])).toEqual(Array.from({ length: 4 }, () => ["error", undefined]));
  });

  it("drops the connection on [[disconnect]]", async () => {
    await expect(post(ask("[[disconnect]]")).then((res) => res.text())).rejects.toThrow();
    expect(fake.requests[0]?.reply).toBe("disconnect");
  });

  it("spreads a [[slow:MS]] reply over MS milliseconds", async () => {
    const started = performance.now();
    const list = await events(await post(ask("[[slow:400]]")));
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expect(list.filter((e) => e.event === "response.output_text.delta").length).toBeGreaterThan(5);
    expect(list.at(-1)?.event).toBe("response.completed");
    expect(fake.requests[0]?.reply).toBe("slow");
  });

  it("answers a non-streaming request with one JSON response", async () => {
    const res = await post({ model: "m", input: "plain string input" });
    const body = (await res.json()) as { status: string; output: { content: { text: string }[] }[]; usage: { output_tokens: number } };
    expect(body.status).toBe("completed");
    expect(body.output[0]?.content[0]?.text).toBe(`${fake.nonce} echo: plain string input`);
    expect(fake.requests[0]).toMatchObject({ stream: false, lastUserText: "plain string input" });
    expect(body.usage.output_tokens).toBe(fake.requests[0]?.usage?.output);
  });

  it("logs unknown paths as unanswered and refuses unreadable bodies", async () => {
    expect((await fetch(`${fake.url}/v1/models`)).status).toBe(404);
    expect((await post({ input: 42 })).status).toBe(400);
    expect(fake.requests.map((r) => [r.method, r.path, r.reply])).toEqual([
      ["GET", "/v1/models", "none"],
      ["POST", "/v1/responses", "error"],
    ]);
    fake.clearRequests();
    expect(fake.requests).toEqual([]);
  });
});
