import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loopbackEnv, runCli, startOpenAIFake, type CliEnvironment, type FakeModelServer } from "../src/index.js";

interface ExecEvent {
  type: string;
  item?: { type: string; text?: string; command?: string };
  usage?: { input_tokens: number; cached_input_tokens: number; output_tokens: number };
}

describe("Codex 0.169.0 exec against the OpenAI Responses fake", () => {
  let fake: FakeModelServer;
  let env: CliEnvironment;
  beforeAll(async () => {
    fake = await startOpenAIFake();
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(async () => {
    fake.clearRequests();
    env = await loopbackEnv("codex", fake);
  });
  afterEach(async () => {
    await env.cleanup();
  });

  const run = async (step: string, prompt: string): Promise<ExecEvent[]> => {
    const { stdout } = await runCli(env, ["exec", "--json", "--skip-git-repo-check", prompt], { step, timeoutMs: 60_000 });
    return stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as ExecEvent);
  };
  const lastMessage = (events: ExecEvent[]): string =>
    events.filter((e) => e.type === "item.completed" && e.item?.type === "agent_message").map((e) => e.item?.text ?? "").at(-1) ?? "";

  it("answers a plain text turn from the fake, carrying its nonce, with the fake's usage", async () => {
    const events = await run("plain text turn", "hello from the test");
    expect(lastMessage(events)).toContain(fake.nonce);
    expect(lastMessage(events)).toContain("hello from the test");
    const main = fake.requests.find((r) => r.lastUserText.includes("hello from the test"));
    expect(main?.model).toBe("gpt-5.5");
    expect(main?.tools.length).toBeGreaterThan(0);
    const done = events.find((e) => e.type === "turn.completed");
    expect(done?.usage?.output_tokens).toBe(main?.usage?.output);
    expect(done?.usage?.input_tokens).toBe(main?.usage?.input);
  });

  it("runs a shell tool call for real", async () => {
    const file = join(env.cwd, "made-by-shell.txt");
    const events = await run("shell tool call", `please [[shell:touch ${file}]]`);
    expect(existsSync(file)).toBe(true);
    expect(lastMessage(events)).toContain(`${fake.nonce} tool done`);
    expect(fake.requests.find((r) => r.reply === "shell")?.tools).toContain("exec_command");
    expect(fake.requests.some((r) => r.afterToolResult)).toBe(true);
  });

  it("writes a file through apply_patch", async () => {
    const file = join(env.cwd, "patched.txt");
    await run("file edit", `[[edit:${file}|written by the fake]]`);
    expect(readFileSync(file, "utf8")).toBe("written by the fake\n");
  });
});
