import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CliRunError, loopbackEnv, runCli, startAnthropicFake, type CliEnvironment, type FakeModelServer } from "../src/index.js";

/** The parts of `claude -p --output-format json` the tests read. */
interface ClaudeResult {
  type: string;
  subtype: string;
  is_error: boolean;
  result: string;
  num_turns: number;
  session_id: string;
  api_error_status: number | null;
  usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number };
}

// A real CLI start takes ~0.6 s here, but a loaded machine (other CLIs in parallel) can be far slower.
const CLI_TEST_MS = 90_000;

describe("Claude Code 2.1.330 headless (-p) against the Anthropic fake", () => {
  let fake: FakeModelServer;
  let env: CliEnvironment;

  beforeAll(async () => {
    fake = await startAnthropicFake();
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(async () => {
    fake.clearRequests();
    // The ONLY environment the CLI gets: fresh HOME, model endpoint on the fake at 127.0.0.1.
    env = await loopbackEnv("claude", fake);
  });
  afterEach(async () => {
    await env.cleanup();
  });

  async function claude(step: string, prompt: string, flags: readonly string[] = []): Promise<ClaudeResult> {
    const { stdout } = await runCli(env, ["-p", prompt, "--output-format", "json", ...flags], { step, timeoutMs: CLI_TEST_MS - 10_000 });
    return JSON.parse(stdout) as ClaudeResult;
  }

  it("answers a plain text turn with the fake's nonce", { timeout: CLI_TEST_MS }, async () => {
    const out = await claude("plain text turn", "hello from the test");
    expect(out).toMatchObject({ type: "result", subtype: "success", is_error: false, num_turns: 1 });
    expect(out.result).toBe(`${fake.nonce} echo: hello from the test`);
    // The CLI reports the usage the fake put on the wire.
    const [main] = fake.requests;
    // The default model gets its environment as a `role: "system"` entry inside `messages`.
    expect(main?.model).toMatch(/^claude-/);
    expect(main?.messages.filter((m) => m.role === "system").length).toBeGreaterThanOrEqual(2);
    expect(out.usage.input_tokens).toBe(main?.usage?.input);
    expect(out.usage.output_tokens).toBe(main?.usage?.output);
  });

  it("runs a Bash tool call for real", { timeout: CLI_TEST_MS }, async () => {
    const file = join(env.cwd, "made-by-bash.txt");
    const out = await claude("shell tool call", `please [[shell:touch ${file}]]`, ["--allowedTools", "Bash"]);
    expect(existsSync(file)).toBe(true);
    expect(out.is_error).toBe(false);
    expect(out.result).toContain(`${fake.nonce} tool done`);
    expect(fake.requests.map((r) => r.reply)).toEqual(["shell", "text"]);
    const [call, after] = fake.requests;
    expect(call?.afterToolResult).toBe(false);
    expect(after?.afterToolResult).toBe(true);
    // The second request carries the CLI's own tool_use echo and the command's result.
    expect(after?.messages.at(-2)).toMatchObject({ role: "assistant", text: expect.stringContaining(`[tool_use Bash]`) as unknown });
    expect(after?.messages.at(-1)?.role).toBe("tool");
  });

  it("writes a file through its Write tool", { timeout: CLI_TEST_MS }, async () => {
    const file = join(env.cwd, "written.txt");
    const out = await claude("file edit", `[[edit:${file}|written by the fake]]`, ["--permission-mode", "acceptEdits"]);
    expect(readFileSync(file, "utf8")).toBe("written by the fake");
    expect(out.result).toContain(`${fake.nonce} tool done: File created successfully`);
    expect(fake.requests[0]?.reply).toBe("edit");
  });

  it("sends the fake its model, the prompt and its tool list", { timeout: CLI_TEST_MS }, async () => {
    await claude("request log", "what do you see?", ["--model", "claude-sonnet-4-5"]);
    // Headless 2.1.330 makes exactly one model call for a text turn: no side requests, no probes.
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: "POST", path: "/v1/messages", model: "claude-sonnet-4-5", stream: true, lastUserText: "what do you see?" });
    // With this model the CLI puts its context (environment, skills, date) in <system-reminder>
    // blocks before the prompt in the same user message; the fake keeps them out of lastUserText.
    expect(request?.messages.some((m) => m.role === "user" && m.text.endsWith("what do you see?"))).toBe(true);
    expect(request?.messages[0]?.role).toBe("system");
    expect(request?.tools).toEqual(expect.arrayContaining(["Bash", "Write", "Edit", "Read"]));
  });

  it("reports an overloaded model (529) as an error result without retrying", { timeout: CLI_TEST_MS }, async () => {
    const failure = await claude("529 error", "[[error:529]]").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CliRunError);
    const out = JSON.parse((failure as CliRunError).run.stdout) as ClaudeResult;
    expect(out).toMatchObject({ is_error: true, api_error_status: 529 });
    expect(out.result).toContain("529");
    // x-should-retry: false from the fake stops the CLI's own backoff (without it: 3 attempts).
    expect(fake.requests.map((r) => r.reply)).toEqual(["error"]);
  });
});
