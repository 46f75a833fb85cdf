import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderUsage, summarizeUsage } from "../src/index.js";

// `usage --by category`: per task category and candidate, how its turns did, from hand-written journals.
const state = mkdtempSync(join(tmpdir(), "usage-cat-"));
afterAll(() => {
  rmSync(state, { recursive: true, force: true });
});

const server = { id: "s", pid: 1, started_at: "2026-01-01T00:00:00Z" };
function agent(id: string, provider: string, model: string, category: string | undefined, turns: { ok: boolean; cost: number; ms: number }[]): void {
  mkdirSync(join(state, "agents", id), { recursive: true });
  const entries = [
    {
      t: "launch",
      at: "2026-01-01T00:00:00Z",
      agent_id: id,
      server,
      project: "/p",
      provider,
      model,
      cwd: "/p",
      ...(category === undefined ? {} : { category }),
    },
    ...turns.map((t, i) => ({
      t: "turn",
      at: `2026-01-01T0${i + 1}:00:00Z`,
      turn: i + 1,
      result: t.ok ? "done" : "failed",
      is_error: !t.ok,
      interrupted: false,
      usage: { input: 10, output: 5, cache_read: 0, cache_write: 0 },
      cost_usd: t.cost,
      duration_ms: t.ms,
    })),
  ];
  writeFileSync(join(state, "agents", id, "journal.jsonl"), entries.map((e) => `${JSON.stringify(e)}\n`).join(""));
}

agent("d1", "codex", "gpt-mini", "debugging", [
  { ok: true, cost: 0.01, ms: 1000 },
  { ok: false, cost: 0.03, ms: 3000 },
]);
agent("d2", "codex", "gpt-mini", "debugging", [{ ok: true, cost: 0.02, ms: 2000 }]);
agent("d3", "claude", "opus", "debugging", [{ ok: true, cost: 0.5, ms: 9000 }]);
agent("c1", "claude", "sonnet", "coding", [{ ok: true, cost: 0.1, ms: 4000 }]);
agent("n1", "gemini", "flash", undefined, [{ ok: true, cost: 0.001, ms: 500 }]);

describe("usage by category", () => {
  it("one row per category and candidate: turns, success rate, median cost and time, cheapest first", () => {
    const summary = summarizeUsage(state, { groupBy: "category" });
    expect(summary.rows.map((r) => [r.category, r.provider, r.model, r.turns, r.success_rate, r.median_cost_usd, r.median_duration_ms])).toEqual([
      ["(none)", "gemini", "flash", 1, 1, 0.001, 500],
      ["coding", "claude", "sonnet", 1, 1, 0.1, 4000],
      ["debugging", "codex", "gpt-mini", 3, 0.667, 0.02, 2000],
      ["debugging", "claude", "opus", 1, 1, 0.5, 9000],
    ]);
    expect(summary.total.turns).toBe(6);
    // The same journal gives the same rows, in the same order.
    expect(summarizeUsage(state, { groupBy: "category" })).toEqual(summary);
  });

  it("renders as a table a user edits a routing table from", () => {
    const text = renderUsage(summarizeUsage(state, { groupBy: "category" }), "category");
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^category\s+candidate\s+turns\s+success\s+median cost\s+median time\s+cost$/);
    expect(lines[3]).toMatch(/^debugging\s+codex gpt-mini\s+3\s+67%\s+\$0\.0200\s+2\.0 s\s+\$0\.0600$/);
    expect(lines.at(-1)).toMatch(/^total\s+6\s+\$0\.6610$/);
  });
});
