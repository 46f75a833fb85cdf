import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Supervisor } from "@subagent-mcp/core";
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

describe("what waits for the orchestrator, published for the host's hooks", () => {
  it("lists a running agent, then its unread turn, is current once wait's answer is out, counts inbox messages, and goes with the server", async () => {
    const fake = await startFakeFor("claude");
    const env = await loopbackEnv("claude", fake);
    const state = mkdtempSync(join(tmpdir(), "pending-state-"));
    const mail = new Maildir(mkdtempSync(join(tmpdir(), "pending-mail-")));
    const supervisor = new Supervisor({ drivers: { claude: new ClaudeDriver(pinnedCliOptions(env)) } });
    const { server, close } = createServer({
      supervisor,
      version: "test",
      defaultCwd: env.cwd,
      messaging: { mail: asyncStore(mail), self: "boss" },
      pending: { stateDir: state, cwd: env.cwd, session: "s1" },
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "test", version: "1" });
    await client.connect(clientSide);
    const call = async (name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args })).structuredContent as Record<string, unknown>;
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
      await close();
      await client.close();
      await supervisor.shutdown();
      await fake.stop();
      await env.cleanup();
    }
    expect(existsSync(pendingFile(state, env.cwd, "s1"))).toBe(false);
  });

  it("answers a read-only call without a pass over every agent when nothing changed since the last publish", async () => {
    const fake = await startFakeFor("claude");
    const env = await loopbackEnv("claude", fake);
    const state = mkdtempSync(join(tmpdir(), "pending-state-"));
    const supervisor = new Supervisor({ drivers: { claude: new ClaudeDriver(pinnedCliOptions(env)) } });
    const { server, close } = createServer({ supervisor, version: "test", defaultCwd: env.cwd, pending: { stateDir: state, cwd: env.cwd, session: "s2" } });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "test", version: "1" });
    await client.connect(clientSide);
    const call = async (name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args })).structuredContent as Record<string, unknown>;
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
      await close();
      await client.close();
      await supervisor.shutdown();
      await fake.stop();
      await env.cleanup();
    }
  });
});
