import { descendants } from "@subagent-mcp/drivers";
import { claudeTranscriptHolds } from "@subagent-mcp/testkit";
import { describe, expect, it } from "vitest";
import { cli, freshPrefix, machine, mailJson, reachedModel, slowFirst, startWorker, until, useRedisBed, workerFiles, type Machine } from "./redis-machines.js";
import { killToZombie, startUnreaped } from "./unreaped.js";

// A worker SIGKILLed mid-turn whose parent never reaps it (a container's pid 1 without an init, here
// `sleep` exec'd by the shell that started it): it stays a zombie while its successor starts at once.

const bed = useRedisBed();

/** The worker, started under a parent that never waits for it. */
async function unreapedWorker(m: Machine, name: string): Promise<{ pid: number }> {
  const one = await startUnreaped(["worker", "--name", name], { cwd: m.e.cwd, env: m.vars }, /waiting on its mailbox/);
  bed.started.procs.push(one.parent);
  return one;
}

async function killedAndRestarted(m: Machine, name: string): Promise<void> {
  const marker = `a long task for ${name}`;
  slowFirst(bed.fake, marker, "answered after the restart");
  const files = workerFiles(m, name);
  const one = await unreapedWorker(m, name);
  const asking = cli(m, ["send", name, marker, "--wait", "--timeout", "300"]);
  await reachedModel(bed.fake, marker);
  const saved = await until("the session id to be saved", () => files.loadSession());
  await until("Claude Code to record the message", () => claudeTranscriptHolds(m.e.home, marker, saved.sessionId) || undefined);
  expect(await mailJson(m, name)).toMatchObject({ waiting: [], claimed: 1 });
  expect(descendants(one.pid).length).toBeGreaterThan(0);
  // Killed, a zombie, and nothing it started (its Claude Code, that CLI's MCP server, the guardian) left 5 s after.
  await killToZombie(one.pid);

  const two = await startWorker(bed.started, m, ["--name", name]);
  expect(two.stderr()).not.toContain("already running");
  // The dead worker's claim is freed as the new one starts, not once it has gone idle.
  expect(two.stderr()).toContain("requeued 1 message(s)");
  const answer = await asking;
  expect(answer.exitCode, answer.stderr).toBe(0);
  expect(answer.stdout).toBe(`${bed.fake.nonce} answered after the restart`);
  const turns = await until("the logged turn", () => (files.turns().length > 0 ? files.turns() : undefined));
  expect(turns).toMatchObject([{ attempt: 2, exit: "ok", outcome: "replied", sessionId: saved.sessionId }]);
  // Answered once: nothing waits or is claimed for the worker, and no second reply reached the sender.
  expect(await mailJson(m, name)).toMatchObject({ waiting: [], claimed: 0, dead: [] });
  expect(await mailJson(m, "shell")).toMatchObject({ waiting: [], claimed: 0, dead: [] });
}

describe("a worker SIGKILLed mid-turn and left a zombie, restarted at once", { timeout: 300_000 }, () => {
  it("with the local mailbox: it starts, answers the message once, and its CLI is gone", async () => {
    const m = await machine(bed.started, bed.fake, bed.redis.url, freshPrefix());
    delete m.vars.SUBAGENT_MCP_MAILBOX_URL;
    delete m.vars.SUBAGENT_MCP_MAILBOX_PREFIX;
    await killedAndRestarted(m, "zombie-local");
  });

  it("with the mailbox on Redis: it starts, takes its claim back, answers once, and its CLI is gone", async () => {
    const m = await machine(bed.started, bed.fake, bed.redis.url, freshPrefix());
    await killedAndRestarted(m, "zombie-redis");
  });
});
