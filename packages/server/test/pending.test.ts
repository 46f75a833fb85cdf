import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { grouped, type FlatDeps } from "./flat-deps.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Supervisor, type AgentEvent, type Driver, type Session } from "@subagent-mcp/core";
import { ClaudeDriver } from "@subagent-mcp/drivers";
import { pendingFile, readPending, type Pending } from "@subagent-mcp/hooks";
import { asyncStore, Maildir } from "@subagent-mcp/mailbox";
import { loopbackEnv, pinnedCliOptions, startFakeFor } from "@subagent-mcp/testkit";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { createServer } from "../src/index.js";

// Until the published state satisfies `ok` (a condition, checked as the event loop turns).
async function until(read: () => Pending | undefined, ok: (p: Pending | undefined) => boolean): Promise<Pending | undefined> {
  for (;;) {
    const now = read();
    if (ok(now)) return now;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A server on `supervisor` (with `deps`) under an in-memory MCP client; `end` closes the server, the client and the supervisor. */
async function served(supervisor: Supervisor, deps: Omit<FlatDeps, "supervisor" | "version">) {
  const { server, close } = createServer(grouped({ supervisor, version: "test", ...deps }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "test", version: "1" });
  await client.connect(clientSide);
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })).structuredContent as Record<string, unknown>;
  const end = async (): Promise<void> => {
    await close();
    await client.close();
    await supervisor.shutdown();
  };
  return { client, call, end };
}

/** Claude Code against its own fake model in a loopback environment, a supervisor driving it, and a state folder. */
async function claudeOnFake() {
  const fake = await startFakeFor("claude");
  const env = await loopbackEnv("claude", fake);
  const state = mkdtempSync(join(tmpdir(), "pending-state-"));
  const supervisor = new Supervisor({ drivers: { claude: new ClaudeDriver(pinnedCliOptions(env)) } });
  const stop = async (): Promise<void> => {
    await fake.stop();
    await env.cleanup();
  };
  return { env, state, supervisor, stop };
}

describe("what waits for the orchestrator, published for the host's hooks", () => {
  it("lists a running agent, then its unread turn, is current once wait's answer is out, counts inbox messages, and goes with the server", async () => {
    const { env, state, supervisor, stop } = await claudeOnFake();
    const mail = new Maildir(mkdtempSync(join(tmpdir(), "pending-mail-")));
    const { call, end } = await served(supervisor, {
      defaultCwd: env.cwd,
      messaging: { mail: asyncStore(mail), self: "boss" },
      pending: { stateDir: state, cwd: env.cwd, session: "s1" },
    });
    const read = () => readPending(state, env.cwd, "s1");
    try {
      expect(read()).toBeUndefined();
      const { agent_id: id } = await call("launch_agent", { provider: "claude", prompt: "[[slow:4000]] published", label: "slowpoke" });
      // Published before launch_agent's answer went out.
      expect(read()?.running).toEqual([{ agent_id: id, label: "slowpoke", status: "processing" }]);
      expect(read()?.server_pid).toBe(process.pid);
      const done = await until(read, (p) => p?.unread.includes(id as string) === true);
      expect(done?.running).toEqual([]);
      mail.send({ from: "worker", to: "boss", body: "a question", priority: "normal" });
      expect((await until(read, (p) => p?.messages_waiting === 1))?.unread).toEqual([id]);
      await call("wait", { agent_ids: [id], timeout_s: 60 });
      // wait took the turn: the file says so by the time its answer arrived.
      expect(read()?.unread).toEqual([]);
      await call("inbox", {});
      // Nothing waits any more: no file.
      expect(existsSync(pendingFile(state, env.cwd, "s1"))).toBe(false);
      mail.send({ from: "worker", to: "boss", body: "another", priority: "normal" });
      await until(read, (p) => p?.messages_waiting === 1);
    } finally {
      await end();
      await stop();
    }
    expect(existsSync(pendingFile(state, env.cwd, "s1"))).toBe(false);
  });

  it("answers a read-only call without a pass over every agent when nothing changed since the last publish", async () => {
    const { env, state, supervisor, stop } = await claudeOnFake();
    const { call, end } = await served(supervisor, { defaultCwd: env.cwd, pending: { stateDir: state, cwd: env.cwd, session: "s2" } });
    try {
      const { agent_id: id } = await call("launch_agent", { provider: "claude", prompt: "quiet" });
      await call("wait", { agent_ids: [id], timeout_s: 60 });
      const list = vi.spyOn(supervisor, "list");
      for (let i = 0; i < 5; i += 1) await call("list_agents", {});
      // list_agents' own pass, once per call: publishing added none (it did one per answer).
      expect(list).toHaveBeenCalledTimes(5);
      list.mockClear();
      for (let i = 0; i < 5; i += 1) await call("poll_agent", { agent_id: id });
      expect(list).toHaveBeenCalledTimes(0);
    } finally {
      await end();
      await stop();
    }
  });

  it("does not pass over every agent for a tool call's event: nothing it publishes changed", async () => {
    const emitters: ((event: AgentEvent) => void)[] = [];
    // A session that only says what the test tells it to.
    const driver: Driver = {
      provider: "codex",
      start: (_spec, onEvent): Session => {
        emitters.push(onEvent);
        const none = () => Promise.resolve();
        return { pid: undefined, send: () => undefined, interrupt: none, reset: none, close: none, kill: none };
      },
    };
    const state = mkdtempSync(join(tmpdir(), "pending-state-"));
    const cwd = mkdtempSync(join(tmpdir(), "pending-cwd-"));
    const supervisor = new Supervisor({ drivers: { codex: driver } });
    const { client, end } = await served(supervisor, { defaultCwd: cwd, pending: { stateDir: state, cwd, session: "s3" } });
    try {
      await client.callTool({ name: "launch_agent", arguments: { provider: "codex", prompt: "tools" } });
      const emit = emitters[0] as (event: AgentEvent) => void;
      await until(
        () => readPending(state, cwd, "s3"),
        (p) => p?.running.length === 1,
      );
      // The launch's own publish, scheduled for the next turn of the event loop, done first.
      await new Promise((resolve) => setImmediate(resolve));
      const list = vi.spyOn(supervisor, "list");
      for (let i = 0; i < 5; i += 1) emit({ type: "tool", name: "Read", input: { file_path: `f${String(i)}` } });
      await new Promise((resolve) => setImmediate(resolve));
      expect(list).toHaveBeenCalledTimes(0);
      // A turn's end does change it: published once.
      emit({ type: "turn_end", result: "done", isError: false, usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 }, durationMs: 1 });
      expect(
        (
          await until(
            () => readPending(state, cwd, "s3"),
            (p) => p?.running.length === 0,
          )
        )?.unread,
      ).toHaveLength(1);
    } finally {
      await end();
    }
  });
});
