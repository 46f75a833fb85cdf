import { afterEach, describe, expect, it } from "vitest";
import { loopbackEnv, startGeminiFake, startOpenAIFake, type FakeModelServer } from "../src/index.js";

let fake: FakeModelServer | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function sse(res: Response): Promise<unknown[]> {
  const text = await res.text();
  return text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)) as unknown);
}

const post = (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("OpenAI Responses fake", () => {
  const ask = (text: string) => ({ model: "gpt-test", stream: true, tools: [{ type: "function", name: "exec_command" }, { type: "custom", name: "apply_patch" }], input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }] });

  it("streams an echo with usage in response.completed", async () => {
    fake = await startOpenAIFake();
    const events = (await sse(await post(`${fake.url}/v1/responses`, ask("hello")))) as { type: string; delta?: string; response?: { usage?: { output_tokens: number } } }[];
    expect(events[0]?.type).toBe("response.created");
    expect(events.at(-1)?.type).toBe("response.completed");
    expect(events.map((e) => e.delta ?? "").join("")).toBe(`${fake.nonce} echo: hello`);
    expect(events.at(-1)?.response?.usage?.output_tokens).toBe(fake.requests[0]?.usage?.output);
  });

  it("calls exec_command and apply_patch on directives", async () => {
    fake = await startOpenAIFake();
    const shell = (await sse(await post(`${fake.url}/v1/responses`, ask("[[shell:ls]]")))) as { type: string; item?: { name?: string; arguments?: string } }[];
    expect(shell.find((e) => e.type === "response.output_item.done")?.item).toMatchObject({ name: "exec_command", arguments: '{"cmd":"ls"}' });
    const edit = (await sse(await post(`${fake.url}/v1/responses`, ask("[[edit:/tmp/a|x]]")))) as { type: string; item?: { name?: string; input?: string } }[];
    expect(edit.find((e) => e.type === "response.output_item.done")?.item?.input).toContain("*** Add File: /tmp/a");
  });

  it("answers HTTP errors with OpenAI's error body", async () => {
    fake = await startOpenAIFake();
    for (const status of [429, 529, 401, 500]) {
      const res = await post(`${fake.url}/v1/responses`, ask(`[[error:${status}]]`));
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ error: { message: `fake error ${status}` } });
    }
  });
});

describe("Gemini fake", () => {
  const ask = (text: string) => ({ contents: [{ role: "user", parts: [{ text }] }], tools: [{ functionDeclarations: [{ name: "run_shell_command" }, { name: "write_file" }] }] });

  it("answers the router's JSON request", async () => {
    fake = await startGeminiFake();
    const res = (await (await post(`${fake.url}/v1beta/models/flash-lite:generateContent`, { ...ask("route me"), generationConfig: { responseMimeType: "application/json" } })).json()) as { candidates: { content: { parts: { text: string }[] } }[] };
    const routed = JSON.parse(res.candidates[0]?.content.parts[0]?.text ?? "{}") as { complexity_score: number };
    expect(Number.isInteger(routed.complexity_score) && routed.complexity_score >= 1).toBe(true);
    expect(fake.requests[0]).toMatchObject({ reply: "json", wantsJson: true, model: "flash-lite" });
  });

  it("streams an echo over SSE with usage metadata on the last chunk", async () => {
    fake = await startGeminiFake();
    const chunks = (await sse(await post(`${fake.url}/v1beta/models/pro:streamGenerateContent?alt=sse`, ask("hey")))) as { candidates: { content: { parts: { text?: string }[] }; finishReason?: string }[]; usageMetadata?: { candidatesTokenCount: number } }[];
    expect(chunks.map((c) => c.candidates[0]?.content.parts[0]?.text ?? "").join("")).toBe(`${fake.nonce} echo: hey`);
    expect(chunks.at(-1)?.candidates[0]?.finishReason).toBe("STOP");
    expect(chunks.at(-1)?.usageMetadata?.candidatesTokenCount).toBe(fake.requests[0]?.usage?.output);
  });

  it("calls run_shell_command and write_file, and answers errors", async () => {
    fake = await startGeminiFake();
    const shell = (await sse(await post(`${fake.url}/v1beta/models/pro:streamGenerateContent?alt=sse`, ask("[[shell:ls]]")))) as { candidates: { content: { parts: { functionCall?: unknown }[] } }[] }[];
    expect(shell[0]?.candidates[0]?.content.parts[0]?.functionCall).toMatchObject({ name: "run_shell_command", args: { command: "ls" } });
    const edit = (await sse(await post(`${fake.url}/v1beta/models/pro:streamGenerateContent?alt=sse`, ask("[[edit:/tmp/b|y]]")))) as { candidates: { content: { parts: { functionCall?: unknown }[] } }[] }[];
    expect(edit[0]?.candidates[0]?.content.parts[0]?.functionCall).toMatchObject({ name: "write_file", args: { file_path: "/tmp/b", content: "y" } });
    const res = await post(`${fake.url}/v1beta/models/pro:streamGenerateContent?alt=sse`, ask("[[error:429]]"));
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: { code: 429, status: "RESOURCE_EXHAUSTED" } });
  });
});

describe("loopbackEnv", () => {
  it("refuses a model URL that is not loopback", async () => {
    await expect(loopbackEnv("claude", { url: "http://10.0.0.1:1234" })).rejects.toThrow(/non-loopback/);
    await expect(loopbackEnv("codex", { url: "https://api.openai.com" })).rejects.toThrow(/non-loopback/);
  });

  it("builds a fresh HOME with telemetry off and inherits no secrets", async () => {
    process.env.ANTHROPIC_API_KEY_LEAK_CHECK = "secret";
    const fake = await startOpenAIFake();
    const env = await loopbackEnv("codex", fake);
    try {
      expect(env.env.HOME).toBe(env.home);
      expect(env.env.ANTHROPIC_API_KEY_LEAK_CHECK).toBeUndefined();
      const { readFileSync } = await import("node:fs");
      const config = readFileSync(`${env.env.CODEX_HOME ?? ""}/config.toml`, "utf8");
      expect(config).toContain("plugins = false");
      expect(config).toContain(`base_url = "${fake.url}/v1"`);
    } finally {
      await env.cleanup();
      await fake.stop();
    }
  });
});
