import { Maildir, type Message } from "@subagent-mcp/mailbox";
import { SpendStream } from "@subagent-mcp/mailbox-redis";
import { startRedisServer } from "@subagent-mcp/testkit";
import { SpendLedger, spendEntry } from "@subagent-mcp/usage";
import { execa } from "execa";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, startWorker } from "./e2e.js";
import { until } from "./past-e2e.js";
import { claudeWorkerBeds } from "./worker-bed.js";

// A worker whose provider a spend cap holds starts no turn: each message is acknowledged and its
// sender told which cap holds and when it resets (the cap may hold for days; a sender should not wait).
const bed = claudeWorkerBeds();

describe("a worker at a spend cap, with the real Claude Code", () => {
  it("answers a message with the cap that holds it and when it resets, acknowledges it, and runs no turn", { timeout: 120_000 }, async () => {
    const { fake: f, env: e, state, vars, running } = await bed({ spend_caps: { claude: { day_turns: 1 } } });
    // Another server's turn today spent the day's one.
    new SpendLedger(join(state, "subagent-mcp", "spend.jsonl")).append({ at: new Date().toISOString(), provider: "claude", agent: "elsewhere" });
    const mail = new Maildir(join(state, "subagent-mcp", "mail"));
    mail.pending("asker");
    const worker = await startWorker(e, vars, ["--name", "capped"], running);
    const sent = await execa(process.execPath, [bin, "send", "capped", "a question", "--from", "asker"], { cwd: e.cwd, env: vars, extendEnv: false });
    const only = (m: Message): boolean => m.replyTo === sent.stdout.trim();
    let told: Message | undefined;
    while ((told = mail.receive("asker", 1, only)[0]) === undefined) await mail.wait("asker", 60_000, undefined, only);
    expect(told.body).toMatch(
      /^capped did not answer your message: spend cap claude day_turns 1 reached: 1 turn today \(resets \d{4}-\d\d-\d\dT00:00:00\.000Z\)\.$/,
    );
    // Acknowledged, not kept for a retry; no turn was started.
    expect([mail.pending("capped"), mail.claimed("capped")]).toEqual([0, 0]);
    expect(f.requests.filter((r) => r.lastUserText.includes("a question"))).toEqual([]);
    await until("the worker to say so", () => worker.stderr().includes("no turn for 1 message(s), acknowledged: spend cap claude day_turns 1 reached"), 10_000);
  });

  it("on a fleet, a turn another machine added to its Redis holds the worker too", { timeout: 120_000 }, async () => {
    const redis = await startRedisServer();
    try {
      const { fake: f, env: e, vars: local, running } = await bed({ spend_caps: { claude: { day_turns: 1 } } });
      const prefix = `wcaps${String(process.pid)}`;
      const vars = { ...local, SUBAGENT_MCP_MAILBOX_URL: redis.url, SUBAGENT_MCP_MAILBOX_PREFIX: prefix };
      const stream = { url: redis.url, prefix, parse: spendEntry };
      const machineA = SpendStream.open({ ...stream, machine: "machine-a" });
      machineA.record({ at: new Date().toISOString(), provider: "claude", agent: "on-machine-a" });
      // In Redis once another reader sees it.
      let seen = 0;
      const deadline = Date.now() + 10_000;
      while ((seen = (await SpendStream.read({ ...stream, machine: "a-reader" })).length) === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(seen).toBe(1);
      await machineA.close();
      await startWorker(e, vars, ["--name", "capped"], running);
      const asked = await execa(process.execPath, [bin, "send", "capped", "a question", "--from", "asker", "--wait", "--timeout", "60"], {
        cwd: e.cwd,
        env: vars,
        extendEnv: false,
        reject: false,
      });
      expect(asked.stderr).toContain("capped did not answer your message: spend cap claude day_turns 1 reached: 1 turn today");
      expect(f.requests.filter((r) => r.lastUserText.includes("a question"))).toEqual([]);
    } finally {
      await redis.stop();
    }
  });
});
