import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliExecutable, loopbackEnv, startFakeFor, startRedisServer, type CliEnvironment, type FakeModelServer, type RedisServer } from "@subagent-mcp/testkit";
import { execa, type ResultPromise } from "execa";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bin, connectServer, startE2E, startWorker, waitFor, type E2E, type Served } from "./e2e.js";
import { routedPastTheCap } from "./spend-caps-e2e.js";

// On a fleet, spend_caps are summed through its Redis: two machines (here two state folders on one
// host, each a machine of its own) with one Redis cannot together pass a cap, and `usage --caps` on
// one counts the other's turns, a worker's as a server's.

let redis: RedisServer;
let e: E2E | undefined;
const others: Served[] = [];
const running: ResultPromise[] = [];
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.stop();
});
afterEach(async () => {
  for (const o of others.splice(0)) await o.close();
  for (const p of running.splice(0)) p.kill("SIGKILL");
  await Promise.allSettled(running);
  await e?.close();
  e = undefined;
  for (const c of cleanups.splice(0)) await c();
});

const CAPS = { spend_caps: { claude: { day_turns: 1 } } };
// Another machine: its own state folder (and so its own spend ledger), the same config and Redis.
const machineB = (vars: Record<string, string>): Record<string, string> => ({ ...vars, XDG_STATE_HOME: mkdtempSync(join(tmpdir(), "machine-b-")) });
const ledgerOf = (vars: Record<string, string>): string => join(vars.XDG_STATE_HOME as string, "subagent-mcp", "spend.jsonl");

async function capsOn(vars: Record<string, string>, cwd: string): Promise<{ cap: string; limit: string; spent: number; reached: boolean }[]> {
  const out = await execa(process.execPath, [bin, "usage", "--caps", "--json"], { cwd, env: vars, extendEnv: false });
  return (JSON.parse(out.stdout) as { caps: { cap: string; limit: string; spent: number; reached: boolean }[] }).caps;
}

describe("spend_caps over a fleet's Redis", () => {
  it("a day_turns cap of 1 on claude: a turn on machine A refuses claude on machine B, naming the cap", { timeout: 180_000 }, async () => {
    const prefix = `caps${String(process.pid)}a`;
    const s = (e = await startE2E({ SUBAGENT_MCP_MAILBOX_URL: redis.url, SUBAGENT_MCP_MAILBOX_PREFIX: prefix }, (env) => {
      const dir = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "config.json"), JSON.stringify(CAPS));
    }));
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "one" });
    expect((await waitFor(s, agent_id, (out) => out.finished[0])).is_error).toBe(false);

    const varsB = machineB(s.serverEnv);
    const b = await connectServer(varsB, s.env.cwd, "machine-b");
    others.push(b);
    const routed = await routedPastTheCap(b);

    // B's own ledger has only its own turn: claude's came through Redis, counted once on each machine.
    const ledgerB = readFileSync(ledgerOf(varsB), "utf8").trim().split("\n");
    expect(ledgerB.map((line) => (JSON.parse(line) as { provider: string }).provider)).toEqual([routed.provider]);
    expect(await capsOn(varsB, s.env.cwd)).toEqual([expect.objectContaining({ cap: "claude", limit: "day_turns", spent: 1, reached: true })]);
    expect(await capsOn(s.serverEnv, s.env.cwd)).toEqual([expect.objectContaining({ cap: "claude", limit: "day_turns", spent: 1, reached: true })]);
  });

  it("a worker's turn on machine A is counted by usage --caps on machine B", { timeout: 120_000 }, async () => {
    const fake: FakeModelServer = await startFakeFor("claude");
    const env: CliEnvironment = await loopbackEnv("claude", fake);
    cleanups.push(async () => {
      await env.cleanup();
      await fake.stop();
    });
    const prefix = `caps${String(process.pid)}w`;
    const vars = {
      ...env.env,
      XDG_STATE_HOME: join(env.home, "state"),
      SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude"),
      SUBAGENT_MCP_MAILBOX_URL: redis.url,
      SUBAGENT_MCP_MAILBOX_PREFIX: prefix,
    };
    const configDir = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, "config.json"), JSON.stringify(CAPS));
    fake.script((request, nonce) => (request.lastUserText.includes("a question") ? { kind: "text", text: `${nonce} an answer` } : undefined));
    const cli = (args: string[], v = vars) => execa(process.execPath, [bin, ...args], { cwd: env.cwd, env: v, extendEnv: false, reject: false });
    const worker = await startWorker(env, vars, ["--name", "counted"], running);
    // The reply comes once the turn is over; then the worker is stopped, which hands its last turns to Redis first.
    const asked = await cli(["send", "counted", "a question", "--from", "asker", "--wait", "--timeout", "60"]);
    expect(asked.stdout).toContain("an answer");
    worker.proc.kill("SIGTERM");
    await worker.proc;
    expect(readFileSync(ledgerOf(vars), "utf8")).toContain('"agent":"worker:counted"');
    const varsB = machineB(vars);
    expect(await capsOn(varsB, env.cwd)).toEqual([expect.objectContaining({ cap: "claude", limit: "day_turns", spent: 1, reached: true })]);
  });
});
