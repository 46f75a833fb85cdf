import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loopbackEnv, runCli, startGeminiFake, type CliEnvironment, type FakeModelServer } from "../src/index.js";

interface GeminiJson {
  response: string;
  stats?: { models?: Record<string, { tokens?: { prompt?: number; candidates?: number } }> };
}

describe("Gemini CLI 0.61.0 headless against the Gemini fake", () => {
  let fake: FakeModelServer;
  let env: CliEnvironment;
  beforeAll(async () => {
    fake = await startGeminiFake();
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(async () => {
    fake.clearRequests();
    env = await loopbackEnv("gemini", fake);
  });
  afterEach(async () => {
    await env.cleanup();
  });

  const run = async (step: string, prompt: string, flags: string[] = []): Promise<GeminiJson> => {
    const { stdout } = await runCli(env, ["-p", prompt, "--output-format", "json", ...flags], { step, timeoutMs: 60_000 });
    return JSON.parse(stdout.slice(stdout.indexOf("{"))) as GeminiJson;
  };

  it("answers a plain text turn from the fake, carrying its nonce", async () => {
    const out = await run("plain text turn", "hello from the test");
    expect(out.response).toContain(fake.nonce);
    expect(out.response).toContain("hello from the test");
    const main = fake.requests.find((r) => r.lastUserText.includes("hello from the test") && r.reply === "text");
    expect(main?.stream).toBe(true);
    expect(main?.tools).toContain("read_file");
    expect(fake.requests.some((r) => r.reply === "json")).toBe(true);
    const tokens = Object.values(out.stats?.models ?? {}).reduce((n, m) => n + (m.tokens?.candidates ?? 0), 0);
    expect(tokens).toBe(fake.requests.reduce((n, r) => n + (r.usage?.output ?? 0), 0));
  });

  it("runs a shell tool call for real", async () => {
    const file = join(env.cwd, "made-by-shell.txt");
    const out = await run("shell tool call", `please [[shell:touch ${file}]]`, ["--approval-mode", "yolo"]);
    expect(existsSync(file)).toBe(true);
    expect(out.response).toContain(`${fake.nonce} tool done`);
    expect(fake.requests.some((r) => r.afterToolResult)).toBe(true);
  });

  it("writes a file through write_file", async () => {
    const file = join(env.cwd, "written.txt");
    await run("file edit", `[[edit:${file}|written by the fake]]`, ["--approval-mode", "yolo"]);
    expect(readFileSync(file, "utf8")).toBe("written by the fake");
  });
});
