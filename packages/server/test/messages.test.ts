import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { grouped } from "./flat-deps.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Supervisor, type Driver, type Session } from "@subagent-mcp/core";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { asyncStore, Maildir, type MailboxStore } from "@subagent-mcp/mailbox";
import { scripted } from "./control-rig.js";
import { createServer } from "../src/index.js";

// A session that never ends its turn: enough to keep an agent running while `wait` blocks.
const idleDriver: Driver = {
  provider: "claude",
  start: (): Session => ({
    pid: undefined,
    send: () => undefined,
    interrupt: () => Promise.resolve(),
    reset: () => Promise.resolve(),
    close: () => Promise.resolve(),
    kill: () => Promise.resolve(),
  }),
};

async function connect(mail: Maildir, self: string, driver = idleDriver, store: MailboxStore = asyncStore(mail)): Promise<Client> {
  const { server } = createServer(
    grouped({
      supervisor: new Supervisor({ drivers: { claude: driver } }),
      version: "test",
      messaging: { mail: store, self },
    }),
  );
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = new Client({ name: self, version: "1" });
  await client.connect(a);
  return client;
}

const call = async <T>(c: Client, name: string, args: Record<string, unknown>): Promise<T> =>
  (await c.callTool({ name, arguments: args })).structuredContent as T;

describe("messages between agents over MCP", () => {
  it("send_to, wait_inbox and reply carry a thread between two agents", async () => {
    const mail = new Maildir(mkdtempSync(join(tmpdir(), "mail-")), { pollMs: 50 });
    const alice = await connect(mail, "alice");
    const bob = await connect(mail, "bob");
    const waiting = call<{ messages: { message_id: string; from: string; body: string; thread_id: string }[]; timed_out: boolean }>(bob, "wait_inbox", {
      timeout_s: 10,
    });
    const sent = await call<{ message_id: string; thread_id: string }>(alice, "send_to", { to: "bob", message: "what is 2+2?", priority: "high" });
    const got = await waiting;
    expect(got.timed_out).toBe(false);
    expect(got.messages).toEqual([expect.objectContaining({ from: "alice", body: "what is 2+2?", message_id: sent.message_id, thread_id: sent.thread_id })]);
    await call(bob, "reply", { message_id: sent.message_id, to: "alice", message: "4", thread_id: got.messages[0]?.thread_id });
    const answer = await call<{ messages: { body: string; thread_id: string; reply_to?: string }[] }>(alice, "inbox", {});
    expect(answer.messages).toEqual([expect.objectContaining({ body: "4", thread_id: sent.thread_id, reply_to: sent.message_id })]);
    // Each message is handed out once.
    expect((await call<{ messages: unknown[] }>(alice, "inbox", {})).messages).toEqual([]);
    const quiet = await call<{ timed_out: boolean }>(alice, "wait_inbox", { timeout_s: 0.2 });
    expect(quiet.timed_out).toBe(true);
  });

  it("rejects a recipient name that could leave the mail folder", async () => {
    const mail = new Maildir(mkdtempSync(join(tmpdir(), "mail-")));
    const alice = await connect(mail, "alice");
    const result = await alice.callTool({ name: "send_to", arguments: { to: "../x", message: "hi" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/to/);
  });

  it("a message to the orchestrator ends its wait on running agents", async () => {
    const mail = new Maildir(mkdtempSync(join(tmpdir(), "mail-")), { pollMs: 50 });
    const orchestrator = await connect(mail, "orchestrator");
    const child = await connect(mail, "child-1");
    const { agent_id } = await call<{ agent_id: string }>(orchestrator, "launch_agent", {
      provider: "claude",
      model: "opus",
      effort: "high",
      prompt: "long job",
    });
    const waiting = call<{ finished: unknown[]; still_running: string[]; timed_out: boolean; messages_waiting?: number }>(orchestrator, "wait", {
      agent_ids: [agent_id],
      timeout_s: 30,
    });
    await call(child, "send_to", { to: "orchestrator", message: "which database should I use?", priority: "high" });
    const woke = await waiting;
    expect(woke).toEqual({ finished: [], still_running: [agent_id], timed_out: false, messages_waiting: 1 });
    const inbox = await call<{ messages: { from: string; body: string }[] }>(orchestrator, "inbox", {});
    expect(inbox.messages).toEqual([expect.objectContaining({ from: "child-1", body: "which database should I use?" })]);
  });

  it("a wait that finds a finished turn answers without watching the inbox (one that blocks watches it: above)", async () => {
    const mail = new Maildir(mkdtempSync(join(tmpdir(), "mail-")), { pollMs: 50 });
    const store = asyncStore(mail);
    const watched: string[] = [];
    const counting: MailboxStore = new Proxy(store, {
      get: (target, prop, receiver) =>
        prop === "wait"
          ? (...args: Parameters<MailboxStore["wait"]>) => {
              watched.push(args[0]);
              return target.wait(...args);
            }
          : (Reflect.get(target, prop, receiver) as unknown),
    });
    const script = scripted();
    const orchestrator = await connect(mail, "orchestrator", script.driver, counting);
    const { agent_id } = await call<{ agent_id: string }>(orchestrator, "launch_agent", { provider: "claude", model: "opus", effort: "high", prompt: "quick" });
    script.finish(0, "done");
    const answer = await call<{ finished: { result: string }[] }>(orchestrator, "wait", { agent_ids: [agent_id], timeout_s: 30 });
    expect(answer.finished.map((f) => f.result)).toEqual(["done"]);
    expect(watched).toEqual([]);
  });
});
