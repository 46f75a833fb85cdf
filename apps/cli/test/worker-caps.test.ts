import { Maildir, type Message } from "@subagent-mcp/mailbox";
import { cliExecutable, loopbackEnv, startFakeFor, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { SpendLedger } from "@subagent-mcp/usage";
import { execa, type ResultPromise } from "execa";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bin, startWorker } from "./e2e.js";
import { until } from "./stop-e2e.js";

// A worker whose provider a spend cap holds starts no turn: each message is acknowledged and its
// sender told which cap holds and when it resets (the cap may hold for days; a sender should not wait).
let env: CliEnvironment | undefined;
let fake: FakeModelServer | undefined;
const running: ResultPromise[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) p.kill("SIGKILL");
  await Promise.allSettled(running);
  await env?.cleanup();
  await fake?.stop();
});

describe("a worker at a spend cap, with the real Claude Code", () => {
  it("answers a message with the cap that holds it and when it resets, acknowledges it, and runs no turn", { timeout: 120_000 }, async () => {
    const f = (fake = await startFakeFor("claude"));
    const e = (env = await loopbackEnv("claude", f));
    const state = join(e.home, "state");
    const vars = { ...e.env, XDG_STATE_HOME: state, SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude") };
    const configDir = join(e.env.XDG_CONFIG_HOME as string, "subagent-mcp");
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, "config.json"), JSON.stringify({ spend_caps: { claude: { day_turns: 1 } } }));
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
