import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Maildir } from "@subagent-mcp/mailbox";
import { cliExecutable, loopbackEnv, startFakeFor, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { WorkerFiles } from "@subagent-mcp/worker";
import { execa, type ResultPromise } from "execa";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bin } from "./e2e.js";

let env: CliEnvironment | undefined;
let fake: FakeModelServer | undefined;
const running: ResultPromise[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) p.kill("SIGKILL");
  await Promise.allSettled(running);
  await env?.cleanup();
  await fake?.stop();
});

async function setupClaude(): Promise<{ e: CliEnvironment; f: FakeModelServer; vars: Record<string, string>; state: string }> {
  const f = (fake = await startFakeFor("claude"));
  const e = (env = await loopbackEnv("claude", f));
  const state = join(e.home, "state");
  const vars = { ...e.env, XDG_STATE_HOME: state, SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude") };
  return { e, f, vars, state };
}

/** Starts `subagent-mcp worker` and resolves once it waits on its mailbox. */
async function startWorker(e: CliEnvironment, vars: Record<string, string>, args: string[]): Promise<{ proc: ResultPromise; stderr: () => string }> {
  const proc = execa(process.execPath, [bin, "worker", ...args], { cwd: e.cwd, env: vars, extendEnv: false, reject: false });
  running.push(proc);
  let stderr = "";
  await new Promise<void>((resolve, reject) => {
    proc.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("waiting on")) resolve();
    });
    void proc.then((r) => { reject(new Error(`worker exited early (${String(r.exitCode)}): ${stderr}`)); });
  });
  return { proc, stderr: () => stderr };
}

const send = (vars: Record<string, string>, cwd: string, args: string[]) => execa(process.execPath, [bin, "send", ...args], { cwd, env: vars, extendEnv: false, reject: false });

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("subagent-mcp worker with the real Claude Code", () => {
  it("answers a message from a shell and one from an MCP-connected orchestrator, with only the messaging tools", async () => {
    const { e, f, vars, state } = await setupClaude();
    f.script((request, nonce) => (request.lastUserText.includes("capital of France") ? { kind: "text", text: `${nonce} Paris` } : undefined));
    await startWorker(e, vars, ["--name", "helper"]);

    const shell = await send(vars, e.cwd, ["helper", "what is the capital of France?", "--wait", "--timeout", "60"]);
    expect(shell.exitCode, shell.stderr).toBe(0);
    expect(shell.stdout).toBe(`${f.nonce} Paris`);

    const client = new Client({ name: "orchestrator-host", version: "1" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin], env: vars, cwd: e.cwd }));
    try {
      const sent = (await client.callTool({ name: "send_to", arguments: { to: "helper", message: "and the capital of France again?" } })).structuredContent as { message_id: string; thread_id: string };
      const got = (await client.callTool({ name: "wait_inbox", arguments: { timeout_s: 60 } })).structuredContent as { messages: { from: string; body: string; reply_to?: string; thread_id: string }[] };
      expect(got.messages).toHaveLength(1);
      expect(got.messages[0]).toMatchObject({ from: "helper", body: `${f.nonce} Paris`, reply_to: sent.message_id, thread_id: sent.thread_id });
    } finally {
      await client.close();
    }

    // The session had our messaging tools and none of Claude Code's built-in ones.
    const turn = f.requests.find((r) => r.lastUserText.includes("capital of France"));
    expect(turn?.tools).toEqual(expect.arrayContaining(["mcp__subagent-mcp__send_to", "mcp__subagent-mcp__reply"]));
    expect(turn?.tools).not.toContain("Bash");
    // One persistent session answered both, and each turn left a log line with its tokens.
    const turns = new WorkerFiles(join(state, "subagent-mcp", "workers", "helper")).turns();
    expect(turns.map((t) => [t.exit, t.outcome])).toEqual([["ok", "replied"], ["ok", "replied"]]);
    expect(turns[0]?.sessionId).toBeDefined();
    expect(turns[1]?.sessionId).toBe(turns[0]?.sessionId);
    expect(turns[0]?.tokens?.output).toBeGreaterThan(0);
  });
});
