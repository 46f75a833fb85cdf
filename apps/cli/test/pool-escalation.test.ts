import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import type { CliEnvironment } from "@subagent-mcp/testkit";
import { descendants } from "@subagent-mcp/drivers";
import { bin, startE2E, type E2E } from "./e2e.js";
import { cmdline, isOurServer } from "./our-processes.js";

// A pool definition's escalate, through the built server and the real CLIs: a task whose check fails
// after the replica's turn goes to the stronger candidate of the definition's category.

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

const CHEAP = { provider: "gemini", model: "gemini-3.8-flash" };
const STRONG = { provider: "claude", model: "opus", effort: "low" };

// Fails once (saying why), then passes: the stronger agent's own check sees the marker the first left.
const CHECK = "if [ -f .checked-once ]; then echo all good; else touch .checked-once; echo 'CHECK-SAYS: 1 test failed in parser.test.ts'; exit 1; fi";

const definition = (check: string) => `---
name: flash
description: Writes code, fast.
provider: gemini
model: gemini-3.8-flash
escalate:
  on: check
  check: ${JSON.stringify(check)}
  max_steps: 1
category: coding
---
You write the code you are asked to write.
`;

// The user's config: a coding entry whose stronger candidate is claude/opus; the project's definition.
function prepare(check: string, more: Record<string, unknown> = {}): (env: CliEnvironment) => void {
  return (env) => {
    const dir = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
    mkdirSync(dir, { recursive: true });
    const routing = { table: { coding: { cost_efficiency: [CHEAP, STRONG], performance: [STRONG] } } };
    writeFileSync(join(dir, "config.json"), JSON.stringify({ routing, ...more }));
    mkdirSync(join(env.cwd, ".subagent-mcp", "agents"), { recursive: true });
    writeFileSync(join(env.cwd, ".subagent-mcp", "agents", "flash.md"), definition(check));
  };
}

interface Invoked {
  status: string;
  agent_id: string;
  replica: number;
  result?: string;
  is_error?: boolean;
  attempts?: {
    agent_id: string;
    replica?: number;
    provider: string;
    model?: string;
    reason: string;
    result?: string;
    check?: { command: string; exit_code: number | null; output_tail: string };
  }[];
}

describe("pool definitions that escalate", () => {
  it(
    "a task whose check fails after the gemini replica's turn is answered by claude/opus, which saw the first answer and the check's output",
    { timeout: 240_000 },
    async () => {
      const s = (e = await startE2E({}, prepare(CHECK)));
      // The check is a shell command from the project's file: it runs once the user trusts the project.
      const trusted = await execa(process.execPath, [bin, "trust", "--root", s.env.cwd], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false });
      expect(trusted.stdout).toContain(`.subagent-mcp/agents/flash.md: allows escalate.check (${CHECK})`);

      const out = await s.call<Invoked>("invoke", { agent: "flash", task: "write the parser", timeout_s: 180 });
      expect(out.status, JSON.stringify(out)).toBe("done");
      expect(out.is_error, out.result).toBe(false);
      // The stronger one's answer, from its own fake.
      expect(out.result?.startsWith(s.fakes.claude.nonce), out.result).toBe(true);
      const handed = s.fakes.claude.requests.find((r) => r.lastUserText.includes("write the parser"));
      expect(handed?.lastUserText).toContain(s.fakes.gemini.nonce);
      expect(handed?.lastUserText).toContain("CHECK-SAYS: 1 test failed in parser.test.ts");

      expect(out.attempts).toEqual([
        expect.objectContaining({
          replica: 0,
          provider: "gemini",
          model: "gemini-3.8-flash",
          reason: expect.stringContaining("exited with 1") as string,
          result: expect.stringContaining(s.fakes.gemini.nonce) as string,
          check: expect.objectContaining({ command: CHECK, exit_code: 1, output_tail: expect.stringContaining("CHECK-SAYS") as string }) as unknown,
        }),
      ]);
      // agent_id is the agent whose answer it is: the escalated claude one, not the replica.
      const replicaId = out.attempts?.[0]?.agent_id;
      expect(out.agent_id).not.toBe(replicaId);
      const polled = await s.call<{ provider: string; model?: string; label?: string }>("poll_agent", { agent_id: out.agent_id });
      expect(polled).toMatchObject({ provider: "claude", model: expect.stringContaining("opus") as string });
      const pool = await s.call<{ agents: { agent: string; replicas: { agent_id?: string }[] }[] }>("list_pool");
      expect(pool.agents.find((a) => a.agent === "flash")?.replicas.map((r) => r.agent_id)).toContain(replicaId);
    },
  );

  it(
    "after setup, the replica and the stronger agent its task escalates to are handed this server's tools: no server of ours under either CLI",
    { timeout: 240_000 },
    async () => {
      const s = (e = await startE2E({ ENABLE_TOOL_SEARCH: "false" }, prepare(CHECK)));
      for (const args of [
        ["setup", "--host", "gemini,claude"],
        ["trust", "--root", s.env.cwd],
      ]) {
        const ran = await execa(process.execPath, [bin, ...args], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false, reject: false });
        expect(ran.exitCode, ran.stderr).toBe(0);
      }
      const out = await s.call<Invoked>("invoke", { agent: "flash", task: "write the parser", timeout_s: 180 });
      expect(out.status, JSON.stringify(out)).toBe("done");
      expect(out.result?.startsWith(s.fakes.claude.nonce), out.result).toBe(true);
      // Gemini CLI offers the handed server under its alias; Claude Code under our name, in place of the user's entry.
      const geminiTurn = s.fakes.gemini.requests.find((r) => r.lastUserText.includes("write the parser"));
      expect(geminiTurn?.tools).toContain("mcp_subagent_mcp_launch_agent");
      const claudeTurn = s.fakes.claude.requests.find((r) => r.lastUserText.includes("write the parser"));
      expect(claudeTurn?.tools).toContain("mcp__subagent-mcp__launch_agent");
      const under = descendants(s.transport.pid ?? 0).map(cmdline);
      expect(under.filter(isOurServer), JSON.stringify(under)).toEqual([]);
    },
  );

  it("an untrusted project's definition escalates on errors only: its check never runs, and stderr says why once", { timeout: 240_000 }, async () => {
    const marker = "touch .check-ran; exit 1";
    const s = (e = await startE2E({}, prepare(marker)));
    const first = await s.call<Invoked>("invoke", { agent: "flash", task: "write the lexer", timeout_s: 120 });
    expect(first).toMatchObject({ status: "done", is_error: false });
    expect(first.result).toContain(s.fakes.gemini.nonce);
    expect(first).not.toHaveProperty("attempts");
    await s.call<Invoked>("invoke", { agent: "flash", task: "again", timeout_s: 120 });
    expect(s.fakes.claude.requests).toEqual([]);
    const said = s.stderr().split("sets escalate.check");
    expect(said, s.stderr()).toHaveLength(2);
    expect(said[1]).toContain(`subagent-mcp trust --root ${s.env.cwd}`);
    expect(existsSync(join(s.env.cwd, ".check-ran"))).toBe(false);
  });

  it(
    "a stronger candidate a spend cap holds is not stepped onto: the replica's answer stays, failed by its check, naming the cap",
    { timeout: 240_000 },
    async () => {
      const s = (e = await startE2E({}, prepare(CHECK, { spend_caps: { claude: { day_turns: 0 } } })));
      await execa(process.execPath, [bin, "trust", "--root", s.env.cwd], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false });
      const raw = await s.client.callTool({ name: "invoke", arguments: { agent: "flash", task: "write the parser", timeout_s: 180 } });
      const out = raw.structuredContent as Invoked;
      expect(out, JSON.stringify(raw)).toMatchObject({ status: "done", is_error: true });
      expect(out.result).toContain(s.fakes.gemini.nonce);
      expect(out.result).toContain("CHECK-SAYS: 1 test failed in parser.test.ts");
      expect(JSON.stringify(raw.content)).toContain("No stronger candidate for coding to escalate to (spend cap claude day_turns 0 reached: 0 turns today");
      expect(s.fakes.claude.requests).toEqual([]);
    },
  );
});
