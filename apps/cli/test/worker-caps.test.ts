import { Maildir, type Message } from "@subagent-mcp/mailbox";
import { SpendLedger } from "@subagent-mcp/usage";
import { execa } from "execa";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, startWorker } from "./e2e.js";
import { until } from "./stop-e2e.js";
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
});
