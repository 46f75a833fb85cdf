import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { locateCli, loopbackEnv, runCli, startGeminiFake, type CliEnvironment, type FakeModelServer, type RecordedRequest } from "../src/index.js";

interface Tokens {
  prompt: number;
  candidates: number;
  total: number;
}

interface GeminiJson {
  session_id: string;
  response: string;
  stats: {
    models: Record<
      string,
      { api: { totalRequests: number; totalErrors: number }; tokens: Tokens; roles?: Record<string, { totalRequests: number; tokens: Tokens }> }
    >;
    tools: { totalCalls: number; totalSuccess: number; byName: Record<string, { count: number; success: number }> };
  };
}

// The network check needs Debian's strace and a ptrace the container allows: without either it fails
// (saying which), as every suite that needs a tool does, rather than pass having checked nothing.
function straceRefusal(): string | undefined {
  try {
    execFileSync("strace", ["-f", "-e", "trace=connect", "-o", "/dev/null", "true"], { stdio: "pipe" });
    return undefined;
  } catch (error) {
    return `strace does not run here (apt-get install strace; ptrace must be allowed): ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The fake's usage summed per model, as Gemini CLI's stats.models reports it. */
function usageByModel(requests: readonly RecordedRequest[]): Record<string, { prompt: number; candidates: number; requests: number }> {
  const out: Record<string, { prompt: number; candidates: number; requests: number }> = {};
  for (const r of requests) {
    const sum = (out[r.model] ??= { prompt: 0, candidates: 0, requests: 0 });
    sum.prompt += (r.usage?.input ?? 0) + (r.usage?.cacheRead ?? 0);
    sum.candidates += r.usage?.output ?? 0;
    sum.requests += 1;
  }
  return out;
}

describe("Gemini CLI 0.61.0 headless (-p, --output-format json) against the Gemini fake", () => {
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
    const { stdout } = await runCli(env, ["-p", prompt, "--output-format", "json", ...flags], { step, timeoutMs: 80_000 });
    return JSON.parse(stdout.slice(stdout.indexOf("{"))) as GeminiJson;
  };

  it("answers a plain text turn from the fake, and reports the fake's token counts", async () => {
    const settings = join(env.home, ".gemini", "settings.json");
    const written = readFileSync(settings, "utf8");
    const out = await run("plain text turn", "hello from the test");
    expect(out.response).toBe(`${fake.nonce} echo: hello from the test`);
    // Two requests per turn: the router's JSON call on a flash-lite model, then the streamed main turn.
    expect(fake.requests.map((r) => [r.reply, r.stream])).toEqual([
      ["json", false],
      ["text", true],
    ]);
    const perModel = usageByModel(fake.requests);
    expect(Object.keys(out.stats.models).sort()).toEqual(Object.keys(perModel).sort());
    for (const [model, sum] of Object.entries(perModel)) {
      const stats = out.stats.models[model];
      expect(stats?.api).toMatchObject({ totalRequests: sum.requests, totalErrors: 0 });
      expect(stats?.tokens).toMatchObject({ prompt: sum.prompt, candidates: sum.candidates, total: sum.prompt + sum.candidates });
    }
    // The settings use 0.61.0's own keys: nothing deprecated was migrated, so the file is untouched.
    expect(readFileSync(settings, "utf8")).toBe(written);
  });

  it("sends the router request, the prompt, the model and its tool list", async () => {
    await run("request log", "what does the log show?");
    const [router, main] = fake.requests;
    expect(router).toMatchObject({ method: "POST", wantsJson: true, stream: false, tools: [], lastUserText: "what does the log show?" });
    expect(router?.path).toMatch(/^\/v1beta\/models\/gemini-[\w.-]*flash-lite[\w.-]*:generateContent$/);
    expect(router?.messages[0]?.text).toContain("Task Routing AI");
    expect(JSON.stringify(router?.body)).toContain("complexity_score");
    expect(main?.path).toBe(`/v1beta/models/${main?.model ?? ""}:streamGenerateContent`);
    expect(main?.model).toMatch(/^gemini-/);
    expect(main).toMatchObject({ stream: true, wantsJson: false, afterToolResult: false, lastUserText: "what does the log show?" });
    expect(main?.messages[0]).toMatchObject({ role: "system" });
    expect(main?.messages[0]?.text).toContain("Gemini CLI");
    // The CLI's own context (date, OS, folder) is in the log, but never taken for the prompt.
    expect(main?.messages.some((m) => m.role === "system" && m.text.includes("<session_context>"))).toBe(true);
    expect(main?.messages.filter((m) => m.role === "user").map((m) => m.text)).toEqual(["what does the log show?"]);
    // Headless in the default approval mode, only tools that need no approval are offered.
    expect(main?.tools).toEqual(expect.arrayContaining(["read_file", "list_directory", "glob", "grep_search"]));
    expect(main?.tools).not.toContain("run_shell_command");
    expect(main?.tools).not.toContain("write_file");
  });

  it("runs a shell tool call for real", async () => {
    const file = join(env.cwd, "made-by-shell.txt");
    const out = await run("shell tool call", `please [[shell:touch ${file}]]`, ["--approval-mode", "yolo"]);
    expect(existsSync(file)).toBe(true);
    expect(out.response).toContain(`${fake.nonce} tool done`);
    expect(out.stats.tools.byName.run_shell_command).toMatchObject({ count: 1, success: 1 });
    expect(fake.requests.map((r) => r.reply)).toEqual(["json", "shell", "text"]);
    // In yolo mode the tools that change things are offered too.
    expect(fake.requests[1]?.tools).toEqual(expect.arrayContaining(["run_shell_command", "write_file", "replace"]));
    const after = fake.requests[2];
    expect(after?.afterToolResult).toBe(true);
    expect(after?.messages.at(-2)?.text).toContain(`[functionCall run_shell_command] {"command":"touch ${file}"`);
    expect(after?.messages.at(-1)?.role).toBe("tool");
  });

  it("writes a file through write_file", async () => {
    const file = join(env.cwd, "written.txt");
    const out = await run("file edit", `[[edit:${file}|written by the fake]]`, ["--approval-mode", "yolo"]);
    expect(readFileSync(file, "utf8")).toBe("written by the fake");
    expect(out.stats.tools.byName.write_file).toMatchObject({ count: 1, success: 1 });
    expect(fake.requests.at(-1)?.messages.at(-1)?.text).toContain("Successfully created and wrote to new file");
  });

  it("fails fast with the fake's error instead of retrying", async () => {
    await expect(run("scripted 429", "[[error:429]]")).rejects.toThrow(/fake error 429/);
    expect(fake.requests.filter((r) => r.reply === "error")).toHaveLength(1);
  });

  it("connects to nothing but the fake on 127.0.0.1", async () => {
    expect(straceRefusal()).toBeUndefined();
    const trace = join(env.home, "connect.trace");
    const { command, args } = locateCli("gemini");
    const file = join(env.cwd, "traced.txt");
    const result = await execa(
      "strace",
      ["-f", "-e", "trace=connect", "-o", trace, command, ...args, "-p", `[[shell:touch ${file}]]`, "--output-format", "json", "--approval-mode", "yolo"],
      {
        cwd: env.cwd,
        env: env.env,
        extendEnv: false,
        stdin: "ignore",
        reject: false,
        timeout: 80_000,
      },
    );
    expect(result.exitCode).toBe(0);
    expect(existsSync(file)).toBe(true);
    const inet = readFileSync(trace, "utf8")
      .split("\n")
      .filter((line) => /connect\(.*AF_INET6?/.test(line));
    expect(inet.length).toBeGreaterThan(0);
    const port = new URL(fake.url).port;
    expect(inet.filter((line) => !line.includes(`sin_port=htons(${port}), sin_addr=inet_addr("127.0.0.1")`))).toEqual([]);
  });
});
