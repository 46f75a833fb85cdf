import { afterEach, describe, expect, it } from "vitest";
import { startGeminiFake, type FakeModelServer } from "../src/index.js";

let fake: FakeModelServer | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function started(): Promise<FakeModelServer> {
  fake = await startGeminiFake();
  expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return fake;
}

interface Chunk {
  candidates: {
    content: { role: string; parts: { text?: string; functionCall?: { name: string; args: Record<string, unknown> } }[] };
    finishReason?: string;
  }[];
  usageMetadata?: { promptTokenCount: number; candidatesTokenCount: number; totalTokenCount: number; cachedContentTokenCount?: number };
  modelVersion?: string;
}

const post = (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

// What Gemini CLI 0.61.0 sends: its context as the first part of the prompt's content, tools as
// functionDeclarations with parametersJsonSchema.
const CONTEXT = "<session_context>\nThis is the Gemini CLI. We are setting up the context for our chat.\n</session_context>";
const TOOLS = [{ functionDeclarations: [{ name: "read_file" }, { name: "write_file" }, { name: "run_shell_command" }] }];
const ask = (text: string, extra: Record<string, unknown> = {}) => ({
  systemInstruction: { parts: [{ text: "You are Gemini CLI." }] },
  contents: [{ role: "user", parts: [{ text: CONTEXT }, { text }] }] as { role: string; parts: Record<string, unknown>[] }[],
  tools: TOOLS,
  generationConfig: { temperature: 1, thinkingConfig: { includeThoughts: true } },
  ...extra,
});

async function stream(server: FakeModelServer, body: unknown, model = "gemini-3.8-flash"): Promise<Chunk[]> {
  const res = await post(`${server.url}/v1beta/models/${model}:streamGenerateContent?alt=sse`, body);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/event-stream");
  const text = await res.text();
  // Bare `data:` lines, no `event:` field, as the Gemini API streams.
  expect(text).not.toContain("event:");
  return text
    .split("\n")
    .filter((l) => l.startsWith("data: "))
    .map((l) => JSON.parse(l.slice(6)) as Chunk);
}

const textOf = (chunks: Chunk[]): string => chunks.map((c) => c.candidates[0]?.content.parts.map((p) => p.text ?? "").join("") ?? "").join("");
const callOf = (chunks: Chunk[]) => chunks.flatMap((c) => c.candidates[0]?.content.parts ?? []).find((p) => p.functionCall)?.functionCall;

describe("Gemini fake", () => {
  it("answers the model router's JSON request with an integer complexity_score >= 1", async () => {
    const server = await started();
    const schema = {
      type: "OBJECT",
      properties: { complexity_reasoning: { type: "STRING" }, complexity_score: { type: "INTEGER" } },
      required: ["complexity_reasoning", "complexity_score"],
    };
    const body = {
      systemInstruction: { parts: [{ text: "You are a specialized Task Routing AI." }] },
      contents: [
        { role: "user", parts: [{ text: CONTEXT }] },
        { role: "user", parts: [{ text: "route me" }] },
      ],
      generationConfig: { responseMimeType: "application/json", responseJsonSchema: schema },
    };
    const res = (await (await post(`${server.url}/v1beta/models/gemini-3.5-flash-lite:generateContent`, body)).json()) as Chunk;
    const routed = JSON.parse(res.candidates[0]?.content.parts[0]?.text ?? "{}") as { complexity_reasoning: unknown; complexity_score: unknown };
    expect(typeof routed.complexity_reasoning).toBe("string");
    expect(Number.isInteger(routed.complexity_score) && (routed.complexity_score as number) >= 1).toBe(true);
    expect(res.candidates[0]?.finishReason).toBe("STOP");
    expect(server.requests[0]).toMatchObject({
      reply: "json",
      wantsJson: true,
      stream: false,
      model: "gemini-3.5-flash-lite",
      lastUserText: "route me",
      tools: [],
    });
    expect(res.usageMetadata?.candidatesTokenCount).toBe(server.requests[0]?.usage?.output);
  });

  it("fills other JSON side requests from their schema (first enum value)", async () => {
    const server = await started();
    const schema = { type: "object", properties: { reasoning: { type: "string" }, next_speaker: { type: "string", enum: ["user", "model"] } } };
    const res = (await (
      await post(`${server.url}/v1beta/models/flash:generateContent`, { ...ask("x"), generationConfig: { responseJsonSchema: schema } })
    ).json()) as Chunk;
    expect(JSON.parse(res.candidates[0]?.content.parts[0]?.text ?? "{}")).toMatchObject({ next_speaker: "user" });
  });

  it("streams an echo carrying the nonce, with finishReason and usage on the last chunk", async () => {
    const server = await started();
    const chunks = await stream(server, ask("hey there"));
    expect(chunks.length).toBeGreaterThan(1);
    expect(textOf(chunks)).toBe(`${server.nonce} echo: hey there`);
    expect(chunks.slice(0, -1).every((c) => c.candidates[0]?.finishReason === undefined && c.usageMetadata === undefined)).toBe(true);
    const last = chunks.at(-1);
    expect(last?.candidates[0]?.finishReason).toBe("STOP");
    expect(last?.candidates[0]?.content.role).toBe("model");
    expect(last?.modelVersion).toBe("gemini-3.8-flash");
    const usage = server.requests[0]?.usage;
    expect(last?.usageMetadata).toEqual({
      promptTokenCount: usage?.input,
      candidatesTokenCount: usage?.output,
      totalTokenCount: (usage?.input ?? 0) + (usage?.output ?? 0),
    });
  });

  it("answers a non-JSON generateContent with one whole reply", async () => {
    const server = await started();
    const res = (await (await post(`${server.url}/v1beta/models/pro:generateContent`, ask("whole"))).json()) as Chunk;
    expect(res.candidates[0]?.content.parts[0]?.text).toBe(`${server.nonce} echo: whole`);
    expect(server.requests[0]).toMatchObject({ reply: "text", stream: false, wantsJson: false });
  });

  it("calls run_shell_command and write_file with Gemini CLI's parameter names", async () => {
    const server = await started();
    expect(callOf(await stream(server, ask("please [[shell:touch /tmp/x]]")))).toMatchObject({ name: "run_shell_command", args: { command: "touch /tmp/x" } });
    expect(callOf(await stream(server, ask("[[edit:/tmp/b|some content]]")))).toEqual({
      name: "write_file",
      args: { file_path: "/tmp/b", content: "some content" },
    });
    expect(server.requests.map((r) => r.reply)).toEqual(["shell", "edit"]);
    // Without the tool offered, the directive is answered as text.
    const bare = await stream(server, { ...ask("[[shell:ls]]"), tools: [] });
    expect(callOf(bare)).toBeUndefined();
    expect(textOf(bare)).toContain(server.nonce);
  });

  it("goes on after a functionResponse and logs the conversation by role", async () => {
    const server = await started();
    const body = ask("[[shell:ls]]");
    body.contents.push(
      { role: "model", parts: [{ functionCall: { name: "run_shell_command", args: { command: "ls" } } }] },
      { role: "user", parts: [{ functionResponse: { name: "run_shell_command", response: { output: "a.txt" } } }] },
    );
    const chunks = await stream(server, body);
    expect(textOf(chunks)).toContain(`${server.nonce} tool done`);
    expect(textOf(chunks)).toContain("a.txt");
    const logged = server.requests[0];
    expect(logged).toMatchObject({
      afterToolResult: true,
      lastUserText: "[[shell:ls]]",
      reply: "text",
      tools: ["read_file", "write_file", "run_shell_command"],
    });
    expect(logged?.messages.map((m) => m.role)).toEqual(["system", "system", "user", "assistant", "tool"]);
    expect(logged?.messages[1]?.text).toContain("<session_context>");
    expect(logged?.messages[3]?.text).toContain("run_shell_command");
  });

  it("answers HTTP errors with Google's error body", async () => {
    const server = await started();
    const expected: Record<number, string> = { 429: "RESOURCE_EXHAUSTED", 529: "UNAVAILABLE", 503: "UNAVAILABLE", 401: "UNAUTHENTICATED", 500: "INTERNAL" };
    for (const [status, name] of Object.entries(expected)) {
      const res = await post(`${server.url}/v1beta/models/pro:streamGenerateContent?alt=sse`, ask(`[[error:${status}]]`));
      expect(res.status).toBe(Number(status));
      expect(await res.json()).toEqual({ error: { code: Number(status), message: `fake error ${status}`, status: name } });
    }
    expect(server.requests.every((r) => r.reply === "error" && r.usage === undefined)).toBe(true);
  });

  it("drops the connection mid-stream on [[disconnect]]", async () => {
    const server = await started();
    await expect(post(`${server.url}/v1beta/models/pro:streamGenerateContent?alt=sse`, ask("[[disconnect]]")).then((r) => r.text())).rejects.toThrow();
    expect(server.requests[0]?.reply).toBe("disconnect");
  });

  it("streams a slow reply over its duration", async () => {
    const server = await started();
    const start = performance.now();
    const chunks = await stream(server, ask("[[slow:400]]"));
    expect(performance.now() - start).toBeGreaterThanOrEqual(300);
    expect(chunks.length).toBeGreaterThan(5);
    expect(textOf(chunks)).toBe(`${server.nonce} echo: [[slow:400]]`);
  });

  it("counts tokens, refuses a malformed body and logs unknown paths as unanswered", async () => {
    const server = await started();
    const counted = (await (
      await post(`${server.url}/v1beta/models/pro:countTokens`, { contents: [{ role: "user", parts: [{ text: "abcd".repeat(10) }] }] })
    ).json()) as { totalTokens: number };
    expect(counted.totalTokens).toBe(10);
    const bad = await post(`${server.url}/v1beta/models/pro:generateContent`, { contents: "nope" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { status: string } }).error.status).toBe("INVALID_ARGUMENT");
    expect((await fetch(`${server.url}/v1beta/models`)).status).toBe(404);
    expect(server.requests.map((r) => [r.method, r.path, r.reply])).toEqual([
      ["POST", "/v1beta/models/pro:countTokens", "json"],
      ["POST", "/v1beta/models/pro:generateContent", "error"],
      ["GET", "/v1beta/models", "none"],
    ]);
  });

  it("lets a scripter pick the reply, e.g. any offered tool", async () => {
    const server = await started();
    server.script((request) => (request.tools.includes("read_file") ? { kind: "tool", name: "read_file", input: { file_path: "/tmp/r" } } : undefined));
    expect(callOf(await stream(server, ask("anything")))).toEqual({ name: "read_file", args: { file_path: "/tmp/r" } });
  });
});
