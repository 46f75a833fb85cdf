import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loopbackEnv, runCli, startAnthropicFake, type CliEnvironment, type FakeModelServer } from "../src/index.js";

interface ClaudeJson {
  result: string;
  is_error: boolean;
  usage: { input_tokens: number; output_tokens: number };
}

describe("Claude Code 2.1.330 headless against the Anthropic fake", () => {
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
    env = await loopbackEnv("claude", fake);
  });
  afterEach(async () => {
    await env.cleanup();
  });

  const run = async (step: string, prompt: string, flags: string[] = []): Promise<ClaudeJson> => {
    const { stdout } = await runCli(env, ["-p", prompt, "--output-format", "json", ...flags], { step, timeoutMs: 60_000 });
    return JSON.parse(stdout) as ClaudeJson;
  };

  it("answers a plain text turn from the fake, carrying its nonce", async () => {
    const out = await run("plain text turn", "hello from the test");
    expect(out.is_error).toBe(false);
    expect(out.result).toContain(fake.nonce);
    expect(out.result).toContain("hello from the test");
    const main = fake.requests.find((r) => r.lastUserText.includes("hello from the test") && r.reply === "text");
    expect(main?.model).toMatch(/claude/);
    expect(main?.tools.length).toBeGreaterThan(0);
    expect(out.usage.output_tokens).toBe(main?.usage?.output);
  });

  it("runs a shell tool call for real", async () => {
    const file = join(env.cwd, "made-by-bash.txt");
    const out = await run("shell tool call", `please [[shell:touch ${file}]]`, ["--allowedTools", "Bash"]);
    expect(existsSync(file)).toBe(true);
    expect(out.result).toContain(`${fake.nonce} tool done`);
    const call = fake.requests.find((r) => r.reply === "shell");
    expect(call?.tools).toContain("Bash");
    expect(fake.requests.some((r) => r.afterToolResult)).toBe(true);
  });

  it("writes a file through its edit tool", async () => {
    const file = join(env.cwd, "written.txt");
    await run("file edit", `[[edit:${file}|written by the fake]]`, ["--allowedTools", "Write"]);
    expect(readFileSync(file, "utf8")).toBe("written by the fake");
  });
});
