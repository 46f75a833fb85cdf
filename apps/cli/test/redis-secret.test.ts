import { startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import type { ResultPromise } from "execa";
import { execa } from "execa";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bin, startE2E, startWorker, waitFor, type E2E } from "./e2e.js";

// The user's Redis password (and the fleet key) never reaches a sub-agent: not the environment of a server's agent
// (its messaging goes through the parent's endpoint), nor that of a worker's session (only its
// the worker, which serves its messaging tools itself, holds the mailbox settings).

const PASSWORD = "hunter2-redis-secret-4471";
const FLEET_KEY = "fleet-key-in-env-5512-abcdefgh";
let redis: RedisServer;
let e: E2E | undefined;
const running: ResultPromise[] = [];

beforeAll(async () => {
  redis = await startRedisServer({ password: PASSWORD });
});
afterAll(async () => {
  await redis.stop();
});
afterEach(async () => {
  for (const p of running.splice(0)) p.kill("SIGKILL");
  await Promise.allSettled(running);
  await e?.close();
  e = undefined;
});

const url = (): string => redis.url.replace("redis://", `redis://:${PASSWORD}@`);
const leaked = (s: E2E): boolean => s.fakes.claude.requests.some((r) => JSON.stringify(r.messages).includes(PASSWORD));

describe("the Redis password stays with the user", () => {
  it("a server's sub-agent runs env: no password in it", { timeout: 120_000 }, async () => {
    // The fleet key in the server's environment too: its agents' CLIs never get it, and the server says where it belongs.
    const s = (e = await startE2E({
      SUBAGENT_MCP_MAILBOX_URL: url(),
      SUBAGENT_MCP_MAILBOX_PREFIX: `secret-${process.pid}-a`,
      SUBAGENT_MCP_FLEET_KEY: FLEET_KEY,
    }));
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: "[[shell:env]]",
      permissions: { allow: ["Bash(env)"] },
    });
    const turn = await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(turn.is_error).toBe(false);
    expect(s.fakes.claude.requests.some((r) => JSON.stringify(r.messages).includes("SUBAGENT_MCP_DEPTH"))).toBe(true);
    expect(leaked(s)).toBe(false);
    expect(s.fakes.claude.requests.some((r) => JSON.stringify(r.messages).includes(FLEET_KEY))).toBe(false);
    expect(s.stderr()).toContain("SUBAGENT_MCP_FLEET_KEY is set in the environment, where sub-agents can read it");
    expect(s.stderr()).toContain("SUBAGENT_MCP_MAILBOX_URL carries a password");
  });

  it("a worker's session runs env: no password, and the worker still answers over Redis", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    const vars = { ...s.serverEnv, SUBAGENT_MCP_MAILBOX_URL: url(), SUBAGENT_MCP_MAILBOX_PREFIX: `secret-${process.pid}-b` };
    await startWorker(s.env, vars, ["--name", "envy", "--provider", "claude", "--allowed-tools", "Bash(env)"], running);
    const sent = await execa(process.execPath, [bin, "send", "envy", "[[shell:env]]", "--from", "boss", "--wait", "--timeout", "60"], {
      cwd: s.env.cwd,
      env: vars,
      extendEnv: false,
      reject: false,
    });
    expect(sent.exitCode, sent.stderr).toBe(0);
    expect(s.fakes.claude.requests.some((r) => JSON.stringify(r.messages).includes("SUBAGENT_MCP_DEPTH"))).toBe(true);
    expect(leaked(s)).toBe(false);
  });
});
