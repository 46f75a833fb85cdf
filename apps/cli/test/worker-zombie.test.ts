import { descendants } from "@subagent-mcp/drivers";
import { processAlive, processRef, readStat, type ProcessRef } from "@subagent-mcp/state";
import { claudeTranscriptHolds, startFakeFor, startRedisServer, type FakeModelServer, type RedisServer } from "@subagent-mcp/testkit";
import { execa, type ResultPromise } from "execa";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bin } from "./e2e.js";
import { cleanUp, cli, freshPrefix, machine, mailJson, startWorker, until, workerFiles, type Machine, type Started } from "./redis-machines.js";

// A worker SIGKILLed mid-turn whose parent never reaps it (a container's pid 1 without an init, here
// `sleep` exec'd by the shell that started it): it stays a zombie while its successor starts at once.

let redis: RedisServer;
let fake: FakeModelServer;
const started: Started = { procs: [], envs: [] };
beforeAll(async () => {
  redis = await startRedisServer();
  fake = await startFakeFor("claude");
});
afterAll(async () => {
  await fake.stop();
  await redis.stop();
});
afterEach(async () => {
  await cleanUp(started);
});

// The first request with `marker` streams for two minutes (the worker is killed meanwhile); later ones answer at once.
function slowFirst(marker: string): void {
  let first = true;
  fake.script((request, nonce) => {
    if (!request.lastUserText.includes(marker)) return undefined;
    if (!first) return { kind: "text", text: `${nonce} answered after the restart` };
    first = false;
    return { kind: "slow", text: `${nonce} too late`, durationMs: 120_000, chunks: 120 };
  });
}

/** The worker, started in the background of a shell that then becomes `sleep`: nothing ever waits for it. */
async function unreapedWorker(m: Machine, name: string): Promise<{ pid: number; shell: ResultPromise; stderr: () => string }> {
  const shell = execa("bash", ["-c", '"$@" & echo $!; exec sleep 1000', "bash", process.execPath, bin, "worker", "--name", name], {
    cwd: m.e.cwd,
    env: m.vars,
    extendEnv: false,
    reject: false,
  });
  started.procs.push(shell);
  let stdout = "";
  let stderr = "";
  shell.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  shell.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await until("the worker to wait on its mailbox", () => {
    if (shell.exitCode !== null) throw new Error(`the shell exited early: ${stderr}`);
    return stderr.includes("waiting on its mailbox") && /^\d+\n/.test(stdout) ? true : undefined;
  });
  return { pid: Number(stdout.trim()), shell, stderr: () => stderr };
}

/** Each process gone (ended, a zombie, or its pid now another process's), or those left after `ms`. */
async function gone(refs: ProcessRef[], ms: number): Promise<ProcessRef[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = refs.filter((ref) => processAlive(ref));
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function killedAndRestarted(m: Machine, name: string): Promise<void> {
  const marker = `a long task for ${name}`;
  slowFirst(marker);
  const files = workerFiles(m, name);
  const one = await unreapedWorker(m, name);
  const asking = cli(m, ["send", name, marker, "--wait", "--timeout", "300"]);
  await until("the turn to reach the model", () => fake.requests.find((r) => r.lastUserText.includes(marker)));
  const saved = await until("the session id to be saved", () => files.loadSession());
  await until("Claude Code to record the message", () => claudeTranscriptHolds(m.e.home, marker, saved.sessionId) || undefined);
  expect(await mailJson(m, name)).toMatchObject({ waiting: [], claimed: 1 });
  // Everything the worker started (its Claude Code, that CLI's MCP server, the guardian), by pid and start time.
  const spawned = descendants(one.pid)
    .map((pid) => processRef(pid))
    .filter((ref): ref is ProcessRef => ref !== undefined);
  expect(spawned.length).toBeGreaterThan(0);

  process.kill(one.pid, "SIGKILL");
  await until("the worker to be a zombie", () => (readStat(one.pid)?.state === "Z" ? true : undefined));
  // The requirement: nothing it started is left 5 s after the kill.
  const left = await gone(spawned, 5_000);
  expect(left.map((ref) => `${String(ref.pid)} ${readStat(ref.pid)?.comm ?? "?"}`)).toEqual([]);
  expect(readStat(one.pid)?.state).toBe("Z");

  const two = await startWorker(started, m, ["--name", name]);
  expect(two.stderr()).not.toContain("already running");
  // The dead worker's claim is freed as the new one starts, not once it has gone idle.
  expect(two.stderr()).toContain("requeued 1 message(s)");
  const answer = await asking;
  expect(answer.exitCode, answer.stderr).toBe(0);
  expect(answer.stdout).toBe(`${fake.nonce} answered after the restart`);
  const turns = await until("the logged turn", () => (files.turns().length > 0 ? files.turns() : undefined));
  expect(turns).toMatchObject([{ attempt: 2, exit: "ok", outcome: "replied", sessionId: saved.sessionId }]);
  // Answered once: nothing waits or is claimed for the worker, and no second reply reached the sender.
  expect(await mailJson(m, name)).toMatchObject({ waiting: [], claimed: 0, dead: [] });
  expect(await mailJson(m, "shell")).toMatchObject({ waiting: [], claimed: 0, dead: [] });
}

describe("a worker SIGKILLed mid-turn and left a zombie, restarted at once", { timeout: 300_000 }, () => {
  it("with the local mailbox: it starts, answers the message once, and its CLI is gone", async () => {
    const m = await machine(started, fake, redis.url, freshPrefix());
    delete m.vars.SUBAGENT_MCP_MAILBOX_URL;
    delete m.vars.SUBAGENT_MCP_MAILBOX_PREFIX;
    await killedAndRestarted(m, "zombie-local");
  });

  it("with the mailbox on Redis: it starts, takes its claim back, answers once, and its CLI is gone", async () => {
    const m = await machine(started, fake, redis.url, freshPrefix());
    await killedAndRestarted(m, "zombie-redis");
  });
});
