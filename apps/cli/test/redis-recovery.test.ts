import { claudeTranscriptHolds } from "@subagent-mcp/testkit";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { connectServer } from "./e2e.js";
import {
  cli,
  freshPrefix,
  killTree,
  machine,
  mailJson,
  ONE_LINE,
  reachedModel,
  slowFirst,
  startWorker,
  until,
  useRedisBed,
  workerFiles,
  workersJson,
  type Machine,
} from "./redis-machines.js";

const bed = useRedisBed();
const { started } = bed;
// Runs before the bed's clean-up (after-hooks run last-registered first).
afterEach(async () => {
  await bed.redis.up();
});

/** After the one answer: nothing waits, nothing is claimed, nothing is dead, and no second reply reached the sender. */
async function answeredOnce(m: Machine, worker: string): Promise<void> {
  expect(await mailJson(m, worker)).toMatchObject({ waiting: [], claimed: 0, dead: [] });
  expect(await mailJson(m, "shell")).toMatchObject({ waiting: [], claimed: 0, dead: [] });
}

describe("a worker killed mid-turn, with mail on Redis", { timeout: 300_000 }, () => {
  it("started again on the same machine, it takes back its claim at once and answers once", async () => {
    slowFirst(bed.fake, "long task A", "done after the takeover");
    const prefix = freshPrefix();
    const a = await machine(started, bed.fake, bed.redis.url, prefix);
    const b = await machine(started, bed.fake, bed.redis.url, prefix);
    const files = workerFiles(b, "keeper");
    const one = await startWorker(started, b, ["--name", "keeper"]);
    const asking = cli(a, ["send", "keeper", "a long task A", "--wait", "--timeout", "300"]);
    await reachedModel(bed.fake, "long task A");
    const saved = await until("the session id to be saved", () => files.loadSession());
    await until("Claude Code to record the message", () => claudeTranscriptHolds(b.e.home, "long task A", saved.sessionId) || undefined);
    expect(await mailJson(b, "keeper")).toMatchObject({ waiting: [], claimed: 1 });
    await killTree(one);
    expect(await mailJson(b, "keeper")).toMatchObject({ waiting: [], claimed: 1 });

    // The dead pid on this host frees its claim before the new worker waits: no idle time to sit out.
    const two = await startWorker(started, b, ["--name", "keeper"]);
    expect(two.stderr()).toContain("requeued 1 message(s) left claimed by a worker that stopped");
    const answer = await asking;
    expect(answer.exitCode, answer.stderr).toBe(0);
    expect(answer.stdout).toBe(`${bed.fake.nonce} done after the takeover`);
    const turns = await until("the logged turn", () => (files.turns().length > 0 ? files.turns() : undefined));
    expect(turns).toMatchObject([{ attempt: 2, exit: "ok", outcome: "replied", sessionId: saved.sessionId }]);
    await answeredOnce(a, "keeper");
  });

  it("a worker of the same name on another machine takes over its claim once it has been idle past SUBAGENT_MCP_MAILBOX_CLAIM_IDLE_S", async () => {
    slowFirst(bed.fake, "long task B", "done after the takeover");
    const prefix = freshPrefix();
    const a = await machine(started, bed.fake, bed.redis.url, prefix);
    const b = await machine(started, bed.fake, bed.redis.url, prefix);
    const c = await machine(started, bed.fake, bed.redis.url, prefix, { SUBAGENT_MCP_MAILBOX_CLAIM_IDLE_S: "2" });
    // B is another host: its consumer is machine-b:<pid>, which C's host cannot judge dead, only idle.
    const one = await startWorker(started, b, ["--name", "roamer"], "machine-b");
    expect(await workersJson(a)).toMatchObject([{ name: "roamer", host: "machine-b", pid: one.pid, provider: "claude" }]);
    const asking = cli(a, ["send", "roamer", "a long task B", "--wait", "--timeout", "300"]);
    await reachedModel(bed.fake, "long task B");
    const pending = await execa("redis-cli", ["-p", String(bed.redis.port), "XPENDING", `${prefix}:mb:roamer`, "readers", "-", "+", "10"]);
    expect(pending.stdout).toContain(`machine-b:${one.pid}`);
    await killTree(one);

    const two = await startWorker(started, c, ["--name", "roamer"]);
    const answer = await asking;
    expect(answer.exitCode, answer.stderr).toBe(0);
    expect(answer.stdout).toBe(`${bed.fake.nonce} done after the takeover`);
    await until("C to say it took the claim over", () =>
      two.stderr().includes("requeued 1 message(s) left claimed by a worker that stopped") ? true : undefined,
    );
    const turns = await until("C's logged turn", () => (workerFiles(c, "roamer").turns().length > 0 ? workerFiles(c, "roamer").turns() : undefined));
    expect(turns).toMatchObject([{ attempt: 2, exit: "ok", outcome: "replied" }]);
    expect(workerFiles(b, "roamer").turns()).toEqual([]);
    await answeredOnce(a, "roamer");
  });
});

describe("redis-server goes away and comes back", { timeout: 300_000 }, () => {
  it("a running worker answers what was sent before and after, a send meanwhile fails loudly, and an MCP server's inbox works again", async () => {
    bed.fake.script(() => undefined);
    const prefix = freshPrefix();
    const a = await machine(started, bed.fake, bed.redis.url, prefix, { SUBAGENT_MCP_AGENT_NAME: "watcher" });
    const b = await machine(started, bed.fake, bed.redis.url, prefix);
    const w = await startWorker(started, b, ["--name", "steady"]);
    const served = await connectServer(a.vars, a.e.cwd, "watcher-host");
    try {
      expect((await served.call<{ messages: unknown[] }>("inbox")).messages).toEqual([]);
      // Its answer streams while the server is down: the reply waits for it to come back.
      const first = cli(a, ["send", "steady", "[[slow:3000]] first question", "--wait", "--timeout", "300"]);
      await reachedModel(bed.fake, "first question");
      await bed.redis.down();
      const meanwhile = await cli(a, ["send", "steady", "sent while it is down"]);
      expect(meanwhile.exitCode).toBe(1);
      expect(meanwhile.stderr).toMatch(ONE_LINE);
      expect(meanwhile.stderr).toContain(`Redis at 127.0.0.1:${bed.redis.port} is unreachable`);
      const down = await served.client.callTool({ name: "inbox", arguments: {} });
      expect(down.isError).toBe(true);
      expect(JSON.stringify(down.content)).toContain(`127.0.0.1:${bed.redis.port} is unreachable`);
      await bed.redis.up();

      const one = await first;
      expect(one.exitCode, one.stderr).toBe(0);
      expect(one.stdout).toContain(`${bed.fake.nonce} echo:`);
      expect(one.stdout).toContain("first question");
      // A restart (the AOF kept) with nothing in flight: the next message is answered as well.
      await bed.redis.restart();
      const two = await cli(a, ["send", "steady", "second question", "--wait", "--timeout", "300"]);
      expect(two.exitCode, two.stderr).toBe(0);
      expect(two.stdout).toContain("second question");
      expect(w.proc.exitCode, w.stderr()).toBeNull();
      const turns = await until("two logged turns", () => (workerFiles(b, "steady").turns().length >= 2 ? workerFiles(b, "steady").turns() : undefined));
      expect(turns.map((t) => [t.exit, t.outcome])).toEqual([
        ["ok", "replied"],
        ["ok", "replied"],
      ]);
      expect(bed.fake.requests.some((r) => r.lastUserText.includes("sent while it is down"))).toBe(false);

      expect((await cli(b, ["send", "watcher", "hello after the restart"])).exitCode).toBe(0);
      const inbox = await until("the MCP server's inbox to work again", async () => {
        const got = await served.client.callTool({ name: "inbox", arguments: {} });
        return got.isError === true ? undefined : (got.structuredContent as { messages: { from: string; body: string }[] });
      });
      expect(inbox.messages).toMatchObject([{ from: "shell", body: "hello after the restart" }]);
    } finally {
      await served.close();
    }
  });
});
