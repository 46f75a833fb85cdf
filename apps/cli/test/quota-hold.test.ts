import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { bin, startE2E, withUserConfig, type E2E } from "./e2e.js";
import { waitAll } from "./past-e2e.js";

// `quota_percent` through the built server and the real CLIs: a subscription window Codex's
// app-server reports at 95 % holds the next launches on Codex (routed past, or refused when named),
// with the window, percent and reset time said, and `usage --quota` shows the window.

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

const CODEX = { provider: "codex", model: "gpt-6-luna", effort: "low" };
const CLAUDE = { provider: "claude", model: "sonnet" };

interface Launched {
  agent_id: string;
  provider: string;
  ranking: { provider: string; rule: string }[];
  skipped: { provider: string; model?: string; reason: string; rule?: string }[];
}

interface QuotaOut {
  quota_percent?: number;
  providers: { provider: string; windows: { window: string; used_percent?: number; resets_at?: string }[]; held_by?: string }[];
}

const HELD = /^codex's primary window is 95 % used, at or past quota_percent 90; it resets at \S+Z \(in \d+ min\)$/;

describe("quota_percent", () => {
  it("a window reported at 95 % holds launches on that provider, with the reason; usage --quota shows it", { timeout: 240_000 }, async () => {
    const table = { coding: { cost_efficiency: [CODEX, CLAUDE], performance: [CODEX, CLAUDE] } };
    const s = (e = await startE2E({}, withUserConfig({ quota_percent: 90, routing: { table } })));
    const run = (args: string[]) => execa(process.execPath, [bin, ...args], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false });
    // Before any report nothing is held, and `usage --quota` says none was reported.
    const none = JSON.parse((await run(["usage", "--quota", "--json"])).stdout) as QuotaOut;
    expect(none.quota_percent).toBe(90);
    expect(none.providers.find((p) => p.provider === "codex")).toEqual({ provider: "codex", windows: [] });
    expect((await run(["usage", "--quota"])).stdout).toContain("codex: none reported");

    // Codex reports its primary window at 95 % on a turn of its own.
    const first = await s.call<Launched>("launch_agent", { provider: "codex", model: "gpt-6-luna", prompt: "[[ratelimit:95]] a task" });
    await waitAll(s, [first.agent_id]);

    // The next launch of the category is routed past Codex, saying why.
    const next = await s.call<Launched>("launch_agent", { task_category: "coding", prompt: "another task" });
    expect(next.provider).toBe("claude");
    expect(next.ranking.map((r) => r.provider)).toEqual(["claude"]);
    expect(next.skipped).toEqual([{ provider: "codex", model: "gpt-6-luna", rule: "over_quota", reason: expect.stringMatching(HELD) as string }]);
    await waitAll(s, [next.agent_id]);

    // Named explicitly, the launch is refused with the window, the percent and the reset time.
    await expect(s.call<Launched>("launch_agent", { provider: "codex", prompt: "a third task" })).rejects.toThrow(
      /launch held by quota_percent: codex's primary window is 95 % used, at or past quota_percent 90; it resets at/,
    );

    // `usage --quota` shows the window with its reset time, and that Codex is held.
    const shown = JSON.parse((await run(["usage", "--quota", "--json"])).stdout) as QuotaOut;
    const codex = shown.providers.find((p) => p.provider === "codex");
    expect(codex?.held_by).toBe("primary");
    expect(codex?.windows).toContainEqual(expect.objectContaining({ window: "primary", used_percent: 95, resets_at: expect.stringMatching(/Z$/) as string }));
    const text = (await run(["usage", "--quota"])).stdout;
    expect(text).toMatch(/codex: held \(primary at or past quota_percent\)\n {2}primary: 95 % used \(warning\), resets \S+Z \(in (?:2 h|1\d\d min)\)/);
  });
});
