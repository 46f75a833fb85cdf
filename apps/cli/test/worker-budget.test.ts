import { Maildir, type Message } from "@subagent-mcp/mailbox";
import { cliExecutable, loopbackEnv, startFakeFor, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { WorkerFiles } from "@subagent-mcp/worker";
import { execa, type ResultPromise } from "execa";
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bin, startWorker } from "./e2e.js";

// A worker's budget through the built CLI and the real Claude Code: it pauses at its limit with
// the messages left in its mailbox, `mail` says why, and `worker budget` lets it go on.
let env: CliEnvironment | undefined;
let fake: FakeModelServer | undefined;
const running: ResultPromise[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) p.kill("SIGKILL");
  await Promise.allSettled(running);
  await env?.cleanup();
  await fake?.stop();
});

/** The reply to `sent` in `name`'s mailbox, once it is there. */
async function replyTo(mail: Maildir, name: string, sent: string): Promise<Message> {
  const only = (m: Message): boolean => m.replyTo === sent;
  for (;;) {
    const [m] = mail.receive(name, 1, only);
    if (m !== undefined) {
      mail.ack(name, m.id);
      return m;
    }
    await mail.wait(name, 60_000, undefined, only);
  }
}

/** Resolves once the worker's stderr holds `text` (it is said as it happens). */
async function said(proc: ResultPromise, stderr: () => string, text: string): Promise<void> {
  if (stderr().includes(text)) return;
  await new Promise<void>((resolve, reject) => {
    const onData = (): void => {
      if (stderr().includes(text)) {
        proc.stderr?.off("data", onData);
        resolve();
      }
    };
    proc.stderr?.on("data", onData);
    void proc.then(() => {
      reject(new Error(`the worker exited before saying "${text}": ${stderr()}`));
    });
  });
}

describe("subagent-mcp worker with a budget, with the real Claude Code", () => {
  it("answers up to its budget, then leaves messages in its mailbox, paused, until `worker budget` raises it", async () => {
    const f = (fake = await startFakeFor("claude"));
    const e = (env = await loopbackEnv("claude", f));
    const state = join(e.home, "state");
    const vars = { ...e.env, XDG_STATE_HOME: state, SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude") };
    const root = join(state, "subagent-mcp");
    const mail = new Maildir(join(root, "mail"));
    const cli = (args: string[]) => execa(process.execPath, [bin, ...args], { cwd: e.cwd, env: vars, extendEnv: false, reject: false });
    f.script((request, nonce) => {
      if (request.lastUserText.includes("first question")) return { kind: "text", text: `${nonce} first answer` };
      if (request.lastUserText.includes("second question")) return { kind: "text", text: `${nonce} second answer` };
      return undefined;
    });
    mail.pending("asker");
    const w = await startWorker(e, vars, ["--name", "thrifty", "--budget-turns", "1"], running);

    // `send` prints the id of what it sent.
    const first = (await cli(["send", "thrifty", "the first question", "--from", "asker"])).stdout.trim();
    const second = (await cli(["send", "thrifty", "the second question", "--from", "asker"])).stdout.trim();
    expect(first).not.toBe("");
    expect(second).not.toBe("");
    expect((await replyTo(mail, "asker", first)).body).toBe(`${f.nonce} first answer`);
    await said(w.proc, w.stderr, "paused at its budget");
    expect(w.stderr()).toContain(
      "worker thrifty: paused at its budget (max_turns 1 turns: 1 turns spent (100 %)); messages wait in its mailbox until it is raised: subagent-mcp worker budget thrifty --turns N",
    );

    // The second message was not taken: it waits in the mailbox, and `mail` says why.
    const shown = await cli(["mail", "thrifty", "--json"]);
    const box = JSON.parse(shown.stdout) as { waiting: Message[]; claimed: number; paused?: { reason: string; at: string } };
    expect(box.waiting.map((m) => m.id)).toEqual([second]);
    expect(box.waiting[0]?.attempts).toBe(0);
    expect(box.claimed).toBe(0);
    expect(box.paused?.reason).toBe("max_turns 1 turns: 1 turns spent (100 %)");
    const text = await cli(["mail", "thrifty"]);
    expect(text.stdout).toContain("thrifty: 1 waiting, 0 being answered, 0 dead");
    expect(text.stdout).toContain("paused at its budget since ");
    expect(text.stdout).toContain("subagent-mcp worker budget thrifty --turns N");
    expect((await cli(["mail"])).stdout).toMatch(/^thrifty +1 waiting, 0 being answered, 0 dead, paused at its budget$/m);
    expect(f.requests.some((r) => r.lastUserText.includes("second question"))).toBe(false);

    const raised = await cli(["worker", "budget", "thrifty", "--turns", "5"]);
    expect(raised.exitCode, raised.stderr).toBe(0);
    expect(raised.stdout).toContain("thrifty: budget max_turns 5");
    const budgetFile = join(root, "workers", "thrifty", "budget.json");
    expect(statSync(budgetFile).mode & 0o777).toBe(0o600);

    expect((await replyTo(mail, "asker", second)).body).toBe(`${f.nonce} second answer`);
    expect(w.stderr()).toContain("worker thrifty: budget raised: taking messages again");
    expect(w.proc.exitCode).toBeNull();
    const after = JSON.parse((await cli(["mail", "thrifty", "--json"])).stdout) as { waiting: Message[]; paused?: unknown };
    expect(after.waiting).toEqual([]);
    expect(after.paused).toBeUndefined();

    // Each turn says what it ran on, for `usage` and for the budget after a restart.
    const turns = new WorkerFiles(join(root, "workers", "thrifty")).turns();
    expect(turns.length).toBeGreaterThanOrEqual(1);
    expect(turns[0]).toMatchObject({ provider: "claude", outcome: "replied" });
    expect(typeof turns[0]?.model).toBe("string");
    const shownBudget = await cli(["worker", "budget", "thrifty", "--json"]);
    expect(JSON.parse(shownBudget.stdout)).toMatchObject({ name: "thrifty", budget: { max_turns: 5 }, exceeded: null });
  });
});
