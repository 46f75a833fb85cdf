import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CliRunError, loopbackEnv, runCli, startOpenAIFake, type CliEnvironment, type FakeModelServer } from "../src/index.js";

// The REAL Codex 0.169.0 (native musl binary), headless `codex exec --json`, against the OpenAI
// Responses fake. Its environment comes only from loopbackEnv: nothing leaves 127.0.0.1.

interface ExecEvent {
  type: string;
  item?: {
    type: string;
    text?: string;
    command?: string;
    exit_code?: number | null;
    status?: string;
    changes?: { path: string; kind: string }[];
    server?: string;
    tool?: string;
  };
  usage?: { input_tokens: number; cached_input_tokens: number; output_tokens: number };
  error?: { message: string };
}

const CLI_TIMEOUT = 90_000;

const parse = (stdout: string): ExecEvent[] =>
  stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as ExecEvent);
const completed = (events: ExecEvent[], type: string): NonNullable<ExecEvent["item"]>[] =>
  events.flatMap((e) => (e.type === "item.completed" && e.item?.type === type ? [e.item] : []));
const lastMessage = (events: ExecEvent[]): string => completed(events, "agent_message").at(-1)?.text ?? "";

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
    fake.script(undefined);
    env = await loopbackEnv("codex", fake);
  });
  afterEach(async () => {
    await env.cleanup();
  });

  const run = async (step: string, prompt: string): Promise<ExecEvent[]> => {
    const { stdout } = await runCli(env, ["exec", "--json", "--skip-git-repo-check", prompt], { step, timeoutMs: CLI_TIMEOUT - 10_000 });
    return parse(stdout);
  };
  // Codex adds up the usage of every model request of the turn into turn.completed.
  const expectFakeUsage = (events: ExecEvent[]): void => {
    const sum = (pick: (u: { input: number; output: number; cacheRead: number }) => number): number =>
      fake.requests.reduce((n, r) => n + (r.usage ? pick(r.usage) : 0), 0);
    expect(events.find((e) => e.type === "turn.completed")?.usage).toMatchObject({
      input_tokens: sum((u) => u.input + u.cacheRead),
      cached_input_tokens: sum((u) => u.cacheRead),
      output_tokens: sum((u) => u.output),
    });
  };

  it(
    "answers a plain text turn from the fake, carrying its nonce, with the fake's usage",
    async () => {
      const events = await run("plain text turn", "hello from the test");
      expect(events.map((e) => e.type)).toEqual(["thread.started", "turn.started", "item.completed", "turn.completed"]);
      expect(lastMessage(events)).toBe(`${fake.nonce} echo: hello from the test`);
      expect(fake.requests).toHaveLength(1);
      expectFakeUsage(events);
    },
    CLI_TIMEOUT,
  );

  it(
    "runs a shell tool call for real",
    async () => {
      const file = join(env.cwd, "made-by-shell.txt");
      const events = await run("shell tool call", `please [[shell:touch ${file}]]`);
      expect(existsSync(file)).toBe(true);
      expect(completed(events, "command_execution")[0]).toMatchObject({ exit_code: 0, status: "completed" });
      expect(completed(events, "command_execution")[0]?.command).toContain(`touch ${file}`);
      expect(lastMessage(events)).toContain(`${fake.nonce} tool done`);
      expect(fake.requests.map((r) => [r.reply, r.afterToolResult])).toEqual([
        ["shell", false],
        ["text", true],
      ]);
      expectFakeUsage(events);
    },
    CLI_TIMEOUT,
  );

  it(
    "writes a file through apply_patch",
    async () => {
      const file = join(env.cwd, "patched.txt");
      const events = await run("file edit", `[[edit:${file}|written by the fake]]`);
      expect(readFileSync(file, "utf8")).toBe("written by the fake\n");
      expect(completed(events, "file_change")[0]?.changes).toEqual([{ path: file, kind: "add" }]);
      expect(fake.requests.map((r) => r.reply)).toEqual(["edit", "text"]);
    },
    CLI_TIMEOUT,
  );

  it(
    "sends the fake what the log shows: model, prompt, tools, and nothing but POST /v1/responses",
    async () => {
      writeFileSync(join(env.cwd, "AGENTS.md"), "Project rule from AGENTS.md.\n");
      await run("request log", "what does codex send?");
      const [main] = fake.requests;
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1/responses"]);
      expect(main).toMatchObject({ model: "gpt-5.5", stream: true, lastUserText: "what does codex send?", afterToolResult: false });
      expect(main?.tools).toEqual(expect.arrayContaining(["exec_command", "apply_patch", "tool_search"]));
      // The context Codex injects (AGENTS.md, environment) is sent as user-role input but is not the prompt.
      expect(main?.messages.filter((m) => m.role === "user").map((m) => m.text)).toEqual(["what does codex send?"]);
      expect(main?.messages.some((m) => m.role === "system" && m.text.includes("Project rule from AGENTS.md."))).toBe(true);
      const tools = (main?.body as { tools: { type: string; name?: string; parameters?: { properties?: object } }[] }).tools;
      expect(tools.find((t) => t.name === "exec_command")).toMatchObject({ type: "function", parameters: { properties: { cmd: { type: "string" } } } });
      expect(tools.find((t) => t.name === "apply_patch")).toMatchObject({ type: "custom" });
    },
    CLI_TIMEOUT,
  );

  it(
    "calls an MCP tool, which Codex defers behind tool_search",
    async () => {
      // A minimal stdio MCP server: the tool call goes over a pipe, never over the network.
      const server = join(env.home, "mcp-ping.cjs");
      writeFileSync(server, MCP_PING);
      appendFileSync(
        join(env.env.CODEX_HOME ?? "", "config.toml"),
        `\n[mcp_servers.t]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(server)}]\n`,
      );
      fake.script((r) => (r.afterToolResult ? undefined : { kind: "tool", name: "mcp__t__ping", input: { word: "hi" } }));
      const events = await run("mcp tool call", "call the ping tool");
      expect(completed(events, "mcp_tool_call")[0]).toMatchObject({ server: "t", tool: "ping", status: "completed" });
      expect(lastMessage(events)).toContain('pong {"word":"hi"}');
      expect(fake.requests.map((r) => r.reply)).toEqual(["tool", "tool", "text"]);
      expect(fake.requests[1]?.tools).toContain("mcp__t__ping");
    },
    CLI_TIMEOUT,
  );

  it(
    "fails the turn on a model error (no retries configured)",
    async () => {
      const failed = await run("model error", "[[error:429]]").then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failed).toBeInstanceOf(CliRunError);
      const events = parse((failed as CliRunError).run.stdout);
      expect(events.find((e) => e.type === "turn.failed")?.error?.message).toContain("429");
      expect(fake.requests.map((r) => r.reply)).toEqual(["error"]);
    },
    CLI_TIMEOUT,
  );
});

const MCP_PING = `
const rl = require("node:readline").createInterface({ input: process.stdin });
const send = (o) => process.stdout.write(JSON.stringify({ jsonrpc: "2.0", ...o }) + "\\n");
rl.on("line", (line) => {
  const m = JSON.parse(line);
  if (m.id === undefined) return;
  if (m.method === "initialize") send({ id: m.id, result: { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: "t", version: "1" } } });
  else if (m.method === "tools/list") send({ id: m.id, result: { tools: [{ name: "ping", description: "Answers pong", inputSchema: { type: "object", properties: { word: { type: "string" } } } }] } });
  else if (m.method === "tools/call") send({ id: m.id, result: { content: [{ type: "text", text: "pong " + JSON.stringify(m.params.arguments) }] } });
  else send({ id: m.id, error: { code: -32601, message: "unknown method" } });
});
`;
