import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import type { CliEnvironment } from "@subagent-mcp/testkit";
import { bin, startE2E, type E2E } from "./e2e.js";
import { waitAll } from "./past-e2e.js";

// Routing that spends well, through the built server and the real CLIs: candidates ranked by
// expected cost within the budget, and a task that fails its check escalating to a stronger one.

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

// The user's config: a coding table of one cheap and one strong candidate per branch.
function withTable(table: Record<string, unknown>, more: Record<string, unknown> = {}): (env: CliEnvironment) => void {
  return (env) => {
    const dir = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "config.json"), JSON.stringify({ routing: { table }, ...more }));
  };
}

const CHEAP = { provider: "gemini", model: "gemini-3.8-flash" };
const STRONG = { provider: "claude", model: "opus", effort: "low" };

interface Launched {
  agent_id: string;
  provider: string;
  model?: string;
  ranking: { provider: string; model?: string; expected_cost_usd?: number; rule: string; headroom: string }[];
  skipped: { provider: string; model?: string; reason: string; rule?: string }[];
  escalation?: { on: string; check?: string; ladder: { provider: string; model?: string }[] };
}

interface Polled {
  provider: string;
  status: string;
  failover?: { provider: string; model?: string; kind: string; reason: string; result?: string; check?: { exit_code: number | null; output_tail: string } }[];
}

describe("routing that spends well", () => {
  it(
    "a task whose cheap candidate fails its check escalates to the stronger one, which sees the first answer and the check's output",
    { timeout: 240_000 },
    async () => {
      const s = (e = await startE2E({}, withTable({ coding: { cost_efficiency: [CHEAP, STRONG], performance: [STRONG] } })));
      // Fails once (saying why), then passes: the second attempt's check sees the marker the first left.
      const check = "if [ -f .checked-once ]; then echo all good; else touch .checked-once; echo 'CHECK-SAYS: 1 test failed in parser.test.ts'; exit 1; fi";
      const launched = await s.call<Launched>("launch_agent", {
        task_category: "coding",
        prompt: "write the parser",
        escalate: { on: "check", check, max_steps: 1 },
      });
      // The cheap one first, by expected cost; the strong one is where the task escalates to.
      expect(launched).toMatchObject({ provider: "gemini", model: "gemini-3.8-flash" });
      expect(launched.ranking.map((r) => [r.provider, r.rule])).toEqual([
        ["gemini", "cost"],
        ["claude", "cost"],
      ]);
      const [cheap, strong] = launched.ranking;
      expect(cheap?.expected_cost_usd).toBeLessThan(strong?.expected_cost_usd as number);
      expect(launched.escalation).toMatchObject({ on: "check", ladder: [{ provider: "claude", model: "opus" }] });

      const done = await waitAll(s, [launched.agent_id]);
      const final = done.get(launched.agent_id);
      expect(final?.is_error, JSON.stringify(final)).toBe(false);
      // The strong one answered, from its own fake, with the hand-over in its prompt.
      expect(final?.result).toContain(s.fakes.claude.nonce);
      const handed = s.fakes.claude.requests.find((r) => r.lastUserText.includes("write the parser"));
      expect(handed?.lastUserText).toContain(s.fakes.gemini.nonce);
      expect(handed?.lastUserText).toContain("CHECK-SAYS: 1 test failed in parser.test.ts");

      const polled = await s.call<Polled>("poll_agent", { agent_id: launched.agent_id });
      expect(polled.provider).toBe("claude");
      expect(polled.failover).toEqual([
        expect.objectContaining({
          provider: "gemini",
          model: "gemini-3.8-flash",
          kind: "escalation",
          reason: expect.stringContaining("exited with 1") as string,
          result: expect.stringContaining(s.fakes.gemini.nonce) as string,
          check: expect.objectContaining({ exit_code: 1, output_tail: expect.stringContaining("CHECK-SAYS") as string }) as unknown,
        }),
      ]);
      // The journal keeps both attempts: `logs` shows the escalation, and usage counts what the first one spent, as a failure.
      const run = (args: string[]) => execa(process.execPath, [bin, ...args], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false });
      const logs = (await run(["logs", launched.agent_id])).stdout;
      expect(logs).toMatch(/escalated from gemini\/gemini-3\.8-flash to claude\/opus: the check `.*` exited with 1/);
      expect(logs).toContain("| CHECK-SAYS: 1 test failed in parser.test.ts");
      const usage = JSON.parse((await run(["usage", "--by", "category", "--json"])).stdout) as {
        rows: { provider: string; turns: number; success_rate: number }[];
      };
      expect(usage.rows.map((r) => [r.provider, r.turns, r.success_rate]).sort()).toEqual([
        ["claude", 1, 1],
        ["gemini", 1, 0],
      ]);
    },
  );

  it("a budget that cannot cover the expensive candidate keeps the cheap one, and says why", { timeout: 240_000 }, async () => {
    const s = (e = await startE2E({}, withTable({ coding: { cost_efficiency: [CHEAP], performance: [STRONG, CHEAP] } })));
    const launched = await s.call<Launched>("launch_agent", {
      task_category: "coding",
      branch: "performance",
      prompt: "write the parser",
      budget: { max_cost_usd: 0.05 },
    });
    expect(launched).toMatchObject({ provider: "gemini", model: "gemini-3.8-flash" });
    expect(launched.skipped).toEqual([
      expect.objectContaining({
        provider: "claude",
        model: "opus",
        rule: "over_budget",
        reason: expect.stringMatching(/more than the \$0\.05 the budget has left/) as string,
      }),
    ]);
    const done = await waitAll(s, [launched.agent_id]);
    expect(done.get(launched.agent_id)?.is_error).toBe(false);
    // Without the budget the strong one leads the performance branch.
    const free = await s.call<Launched>("launch_agent", { task_category: "coding", branch: "performance", prompt: "again" });
    expect(free).toMatchObject({ provider: "claude", model: "opus" });
    await waitAll(s, [free.agent_id]);

    // `route` shows the same reasons from the CLI: expected cost, headroom and the rule.
    const route = await execa(process.execPath, [bin, "route", "--category", "coding", "--json"], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false });
    const ranked = JSON.parse(route.stdout) as { ranking: Launched["ranking"] };
    expect(ranked.ranking.map((r) => [r.provider, r.rule])).toEqual([["gemini", "cost"]]);
    expect(ranked.ranking[0]?.expected_cost_usd).toBeGreaterThan(0);
  });

  it("a provider whose CLI reported a spent rate-limit window is skipped, with the reason shown", { timeout: 240_000 }, async () => {
    const SMALL = { provider: "codex", model: "gpt-6-luna", effort: "low" };
    const s = (e = await startE2E({}, withTable({ coding: { cost_efficiency: [SMALL, { provider: "claude", model: "sonnet" }], performance: [SMALL] } })));
    const before = await s.call<Launched>("launch_agent", { task_category: "coding", prompt: "first task" });
    expect(before).toMatchObject({ provider: "codex", model: "gpt-6-luna" });
    expect(before.ranking[0]).toMatchObject({ provider: "codex", rule: "cost", headroom: "unknown" });
    await waitAll(s, [before.agent_id]);
    // The account's primary window is spent: Codex says so in its rate-limit update, on a turn of its own.
    const spent = await s.call<Launched>("launch_agent", { provider: "codex", model: "gpt-6-luna", prompt: "[[ratelimit:100]] another task" });
    await waitAll(s, [spent.agent_id]);
    const after = await s.call<Launched>("launch_agent", { task_category: "coding", prompt: "third task" });
    expect(after).toMatchObject({ provider: "claude", model: "sonnet" });
    expect(after.skipped).toEqual([
      expect.objectContaining({
        provider: "codex",
        model: "gpt-6-luna",
        rule: "exhausted",
        reason: expect.stringMatching(/^codex's primary rate-limit window is spent until \S+ \(in \d+ min\)$/) as string,
      }),
    ]);
    await waitAll(s, [after.agent_id]);
    // The window is the account's: `route` (and every other server of the user) sees it from the state folder.
    const route = await execa(process.execPath, [bin, "route", "--category", "coding", "--json"], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false });
    const shown = JSON.parse(route.stdout) as { ranking: Launched["ranking"]; skipped: Launched["skipped"] };
    expect(shown.ranking.map((r) => r.provider)).toEqual(["claude"]);
    expect(shown.skipped).toEqual([expect.objectContaining({ provider: "codex", rule: "exhausted" })]);
    // Named explicitly, it is still launched there: the caller chose; the headroom is shown.
    const asked = await s.call<Launched>("launch_agent", { task_category: "coding", provider: "codex", prompt: "fourth task" });
    expect(asked.ranking[0]).toMatchObject({
      provider: "codex",
      rule: "asked",
      headroom: expect.stringMatching(/^exhausted: 100 % of primary used until/) as string,
    });
    await waitAll(s, [asked.agent_id]);
  });

  it("a stronger candidate a spend cap holds is left off the escalation ladder: a failed check ends the task there", { timeout: 120_000 }, async () => {
    const table = { coding: { cost_efficiency: [CHEAP, STRONG], performance: [STRONG] } };
    const s = (e = await startE2E({}, withTable(table, { spend_caps: { claude: { day_turns: 0 } } })));
    const launched = await s.call<Launched>("launch_agent", {
      task_category: "coding",
      prompt: "write the parser",
      escalate: { on: "check", check: "echo CHECK-SAYS no; exit 1", max_steps: 1 },
    });
    expect(launched).toMatchObject({ provider: "gemini", escalation: { on: "check", ladder: [] } });
    expect(launched.skipped).toEqual([expect.objectContaining({ provider: "claude", rule: "over_cap" })]);
    const final = (await waitAll(s, [launched.agent_id])).get(launched.agent_id);
    expect(final?.is_error, JSON.stringify(final)).toBe(true);
    expect(final?.result).toContain("CHECK-SAYS no");
    expect(s.fakes.claude.requests).toEqual([]);
  });
});
