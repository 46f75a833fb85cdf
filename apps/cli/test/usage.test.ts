import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { costOf, type UsageRow } from "@subagent-mcp/usage";
import { bin, startE2E, type E2E } from "./e2e.js";
import { waitAll, type Provider } from "./past-e2e.js";

// What agents spent, from their journals: token counts exactly as the fake models reported them,
// Claude Code's own cost, and Codex's and Gemini's priced from the built-in table.

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

interface UsageOut {
  group_by: string;
  rows: UsageRow[];
  total: UsageRow;
}

// Models of the routing table's defaults, which the built-in table prices.
const MODELS: Partial<Record<Provider, string>> = { codex: "gpt-6.1-sol", gemini: "gemini-3.8-flash" };

// The tokens a fake model server reported over all its answers.
function reported(s: E2E, provider: Provider): { input: number; output: number } {
  const answered = s.fakes[provider].requests.flatMap((r) => (r.usage === undefined ? [] : [r.usage]));
  return { input: answered.reduce((n, u) => n + u.input, 0), output: answered.reduce((n, u) => n + u.output, 0) };
}

describe("usage", () => {
  it(
    "reports each provider's tokens as the models reported them, and prices Codex and Gemini from the table; the CLI agrees",
    { timeout: 240_000 },
    async () => {
      const s = (e = await startE2E());
      const providers: Provider[] = ["claude", "codex", "gemini"];
      const launched = await Promise.all(
        providers.map((provider) =>
          s.call<{ agent_id: string }>("launch_agent", {
            provider,
            prompt: "count these tokens please",
            ...(MODELS[provider] === undefined ? {} : { model: MODELS[provider] }),
          }),
        ),
      );
      const done = await waitAll(
        s,
        launched.map((l) => l.agent_id),
      );
      for (const f of done.values()) expect(f.is_error, JSON.stringify(f)).toBe(false);

      const out = await s.call<UsageOut>("usage", { group_by: "provider" });
      expect(out.rows.map((r) => r.key).sort()).toEqual(providers);
      const row = (p: Provider): UsageRow => out.rows.find((r) => r.key === p) as UsageRow;
      for (const p of providers) {
        expect(row(p).turns, p).toBe(1);
        expect({ input: row(p).input, output: row(p).output }, p).toEqual(reported(s, p));
        expect(row(p).input, p).toBeGreaterThan(0);
        expect(row(p).cost_known, p).toBe(true);
      }
      for (const p of ["codex", "gemini"] as const) {
        const expected = costOf(MODELS[p], row(p)) as number;
        expect(expected, p).toBeGreaterThan(0);
        expect(row(p).cost_usd, p).toBeCloseTo(expected, 12);
      }
      expect(out.total.turns).toBe(3);
      expect(out.total.cost_usd).toBeCloseTo(
        providers.reduce((n, p) => n + (row(p).cost_usd ?? 0), 0),
        12,
      );

      // By model: the models asked for are the ones priced.
      const byModel = await s.call<UsageOut>("usage", { group_by: "model", since: "24h" });
      for (const p of ["codex", "gemini"] as const) expect(byModel.rows.find((r) => r.key === MODELS[p])?.cost_usd).toBeCloseTo(row(p).cost_usd as number, 12);
      // Nothing before a time to come; a bad `since` is refused.
      expect((await s.call<UsageOut>("usage", { since: "2999-01-01" })).rows).toEqual([]);
      const bad = await s.client.callTool({ name: "usage", arguments: { since: "yesterday" } });
      expect(bad.isError).toBe(true);
      expect(JSON.stringify(bad.content)).toContain("24h");

      const cli = await execa(process.execPath, [bin, "usage", "--by", "provider", "--json"], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false });
      const json = JSON.parse(cli.stdout) as UsageOut;
      expect(json.rows).toEqual(out.rows);
      expect(json.total).toEqual(out.total);
      const text = (await execa(process.execPath, [bin, "usage", "--by", "agent"], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false })).stdout;
      for (const l of launched) expect(text).toContain(l.agent_id);
      expect(text).toMatch(/^total\s+3\s/m);

      // A price in the user's config wins over the built-in one, for the tool (read at each call) and the CLI alike.
      const configDir = join(s.serverEnv.XDG_CONFIG_HOME as string, "subagent-mcp");
      mkdirSync(configDir, { recursive: true });
      writeFileSync(join(configDir, "config.json"), JSON.stringify({ prices: { "gemini-3.8-*": { input: 100, output: 1000 } } }));
      const priced = await s.call<UsageOut>("usage", { group_by: "provider" });
      const gemini = priced.rows.find((r) => r.key === "gemini") as UsageRow;
      expect(gemini.cost_usd).toBeCloseTo((gemini.input * 100 + gemini.output * 1000) / 1e6, 12);
      expect(priced.rows.find((r) => r.key === "codex")?.cost_usd).toBeCloseTo(row("codex").cost_usd as number, 12);
      const cliPriced = JSON.parse(
        (await execa(process.execPath, [bin, "usage", "--json"], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false })).stdout,
      ) as UsageOut;
      expect(cliPriced.rows).toEqual(priced.rows);
    },
  );

  it("by category: each task category's candidates with their success rate and median cost and time; the CLI agrees", { timeout: 240_000 }, async () => {
    const s = (e = await startE2E());
    const routed = await s.call<{ agent_id: string; category?: string; provider: string; model?: string }>("launch_agent", {
      task_category: "coding",
      prompt: "write the parser",
    });
    expect(routed.category).toBe("coding");
    const plain = await s.call<{ agent_id: string }>("launch_agent", { provider: "gemini", prompt: "no category here" });
    const done = await waitAll(s, [routed.agent_id, plain.agent_id]);
    for (const f of done.values()) expect(f.is_error, JSON.stringify(f)).toBe(false);
    const out = await s.call<UsageOut>("usage", { group_by: "category" });
    expect(out.rows.map((r) => [r.category, r.provider, r.turns, r.success_rate])).toEqual([
      ["(none)", "gemini", 1, 1],
      ["coding", routed.provider, 1, 1],
    ]);
    const coding = out.rows.find((r) => r.category === "coding") as UsageRow;
    expect(coding.model).toBe(routed.model);
    expect(coding.median_duration_ms).toBeGreaterThan(0);
    expect(coding.median_cost_usd).toBeCloseTo(coding.cost_usd as number, 12);
    const cli = await execa(process.execPath, [bin, "usage", "--by", "category", "--json"], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false });
    expect((JSON.parse(cli.stdout) as UsageOut).rows).toEqual(out.rows);
    const text = (await execa(process.execPath, [bin, "usage", "--by", "category"], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false })).stdout;
    expect(text).toMatch(new RegExp(`^coding\\s+${routed.provider}`, "m"));
    expect(text).toMatch(/^category\s+candidate\s+turns\s+success/);
    const bad = await execa(process.execPath, [bin, "usage", "--by", "mood"], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false, reject: false });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain("--by must be agent, provider, model, day, category or board");
  });
});
