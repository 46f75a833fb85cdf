import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { connectServer } from "./e2e.js";
import { cli, freshPrefix, machine, maildirNames, mailJson, startWorker, until, useRedisBed, workerFiles, workersJson } from "./redis-machines.js";

const bed = useRedisBed();
const { started } = bed;

interface InboxOut {
  messages: { message_id: string; from: string; body: string; reply_to?: string; thread_id: string }[];
}

describe("mail on Redis between two machines", { timeout: 300_000 }, () => {
  it("a worker on one machine answers `send --wait` from the other, is listed there while it runs, and mail for it queues once it stopped", async () => {
    const prefix = freshPrefix();
    bed.fake.script((request, nonce) => (request.lastUserText.includes("capital of France") ? { kind: "text", text: `${nonce} Paris` } : undefined));
    const a = await machine(started, bed.fake, bed.redis.url, prefix);
    const b = await machine(started, bed.fake, bed.redis.url, prefix);
    const w = await startWorker(started, b, ["--name", "remote-helper", "--provider", "claude"]);
    expect(w.stderr()).toContain(`mailbox Redis at 127.0.0.1:${bed.redis.port} (prefix ${prefix}), mailbox remote-helper (claude)`);

    const asked = await cli(a, ["send", "remote-helper", "what is the capital of France?", "--wait", "--timeout", "120"]);
    expect(asked.exitCode, asked.stderr).toBe(0);
    expect(asked.stdout).toBe(`${bed.fake.nonce} Paris`);
    // The answer alone on stdout; the receipt of the worker's turn (made on B) beside it, on stderr.
    expect(asked.stderr).toMatch(/^receipt: 0 tool calls/);
    // Neither machine has a Maildir: the message and its reply went through Redis.
    expect(maildirNames(a)).toEqual([]);
    expect(maildirNames(b)).toEqual([]);

    // Machine A sees B's worker, and its turn once the presence entry has recorded it.
    const listed = await until("the worker's last turn in its presence entry", async () =>
      (await workersJson(a)).find((x) => x.name === "remote-helper" && x.last_turn_at !== undefined),
    );
    expect(listed).toMatchObject({ name: "remote-helper", host: hostname(), pid: w.pid, provider: "claude" });
    expect(Date.parse(listed.heartbeat_at)).toBeGreaterThanOrEqual(Date.parse(listed.started_at));
    expect(workerFiles(b, "remote-helper").turns()).toMatchObject([{ exit: "ok", outcome: "replied" }]);

    // A stopped worker leaves the list at once.
    w.proc.kill("SIGTERM");
    expect((await w.proc).exitCode, w.stderr()).toBe(0);
    expect((await workersJson(a)).filter((x) => x.name === "remote-helper")).toEqual([]);

    const queued = await cli(a, ["send", "remote-helper", "are you still there?"]);
    expect(queued.exitCode, queued.stderr).toBe(0);
    expect(queued.stderr).toBe(
      `subagent-mcp: note: no worker named "remote-helper" is running (on any machine; subagent-mcp workers lists them); the message waits in its mailbox`,
    );
    const box = await mailJson(b, "remote-helper");
    expect(box.waiting).toMatchObject([{ id: queued.stdout.trim(), from: "shell", body: "are you still there?" }]);
    expect(box.claimed).toBe(0);
    expect(maildirNames(a)).toEqual([]);
    expect(maildirNames(b)).toEqual([]);
  });

  it("an orchestrator's MCP server on one machine, and its sub-agent, talk to a worker on the other", async () => {
    const prefix = freshPrefix();
    bed.fake.script((request, nonce) => {
      // The sub-agent: send_to the worker, then wait_inbox for the answer, then say what it got.
      if (request.messages.some((m) => m.text.includes("relay to the remote worker"))) {
        const last = request.messages.at(-1)?.text ?? "";
        if (!request.afterToolResult)
          return { kind: "tool", name: "mcp__mailbox__send_to", input: { to: "far-worker", message: "what is the capital of Italy?" } };
        if (!last.includes('"messages"')) return { kind: "tool", name: "mcp__mailbox__wait_inbox", input: { timeout_s: 120 } };
        return { kind: "text", text: `${nonce} child heard: ${last}` };
      }
      // The worker.
      if (request.lastUserText.includes("capital of Italy")) return { kind: "text", text: `${nonce} Rome` };
      if (request.lastUserText.includes("capital of Spain")) return { kind: "text", text: `${nonce} Madrid` };
      return undefined;
    });
    const a = await machine(started, bed.fake, bed.redis.url, prefix, { ENABLE_TOOL_SEARCH: "false" });
    const b = await machine(started, bed.fake, bed.redis.url, prefix);
    await startWorker(started, b, ["--name", "far-worker", "--provider", "claude"]);
    const served = await connectServer(a.vars, a.e.cwd, "orchestrator-host");
    try {
      // The orchestrator itself.
      const sent = await served.call<{ message_id: string; thread_id: string }>("send_to", { to: "far-worker", message: "what is the capital of Spain?" });
      const got = await served.call<InboxOut>("wait_inbox", { timeout_s: 120 });
      expect(got.messages).toHaveLength(1);
      expect(got.messages[0]).toMatchObject({ from: "far-worker", body: `${bed.fake.nonce} Madrid`, reply_to: sent.message_id, thread_id: sent.thread_id });

      // Its sub-agent, through the parent's endpoint and so through Redis too.
      const launched = await served.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "relay to the remote worker, then report" });
      const done = await served.call<{ finished: { agent_id: string; result: string; is_error: boolean }[] }>("wait", {
        agent_ids: [launched.agent_id],
        timeout_s: 300,
      });
      expect(done.finished[0], served.stderr()).toMatchObject({ agent_id: launched.agent_id, is_error: false });
      expect(done.finished[0]?.result).toContain(`${bed.fake.nonce} child heard:`);
      expect(done.finished[0]?.result).toContain(`${bed.fake.nonce} Rome`);
      const turns = await until("the worker's second logged turn", () => {
        const all = workerFiles(b, "far-worker").turns();
        return all.length >= 2 ? all : undefined;
      });
      expect(turns.map((t) => [t.from, t.outcome])).toEqual([
        [[expect.stringMatching(/^orchestrator/)], "replied"],
        [[launched.agent_id], "replied"],
      ]);
      // Nothing was left over for the orchestrator, and no Maildir on either side.
      expect((await served.call<InboxOut>("inbox")).messages).toEqual([]);
      expect(maildirNames(a)).toEqual([]);
      expect(maildirNames(b)).toEqual([]);
    } finally {
      await served.close();
    }
  });
});
