import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { costOf, parseSince, summarizeUsage, UsageError, type PriceTable } from "../src/index.js";

// Hand-written journals and a worker's turn log, as the server and `subagent-mcp worker` write them.
const state = mkdtempSync(join(tmpdir(), "usage-"));
afterAll(() => {
  rmSync(state, { recursive: true, force: true });
});

const server = { id: "s", pid: 1, started_at: "2026-01-01T00:00:00Z" };
const usage = (input: number, output: number, cache_read = 0, cache_write = 0) => ({ input, output, cache_read, cache_write });
const turn = (n: number, at: string, u: ReturnType<typeof usage>, cost?: number) => ({
  t: "turn",
  at,
  turn: n,
  result: "ok",
  is_error: false,
  interrupted: false,
  usage: u,
  duration_ms: 5,
  ...(cost === undefined ? {} : { cost_usd: cost }),
});
const launch = (id: string, provider: string, project: string, model?: string) => ({
  t: "launch",
  at: "2026-01-01T00:00:00Z",
  agent_id: id,
  server,
  project,
  provider,
  cwd: project,
  ...(model === undefined ? {} : { model }),
});

function journal(id: string, entries: object[], tail = ""): void {
  mkdirSync(join(state, "agents", id), { recursive: true });
  writeFileSync(join(state, "agents", id, "journal.jsonl"), entries.map((e) => `${JSON.stringify(e)}\n`).join("") + tail);
}

// claude: CLI costs; codex: launched with a model, then the session names another; gemini: an unpriced model.
journal("a-claude", [
  launch("a-claude", "claude", "/p"),
  { t: "session", at: "2026-01-01T00:00:01Z", session_id: "s1", model: "claude-sonnet-4-5" },
  turn(1, "2026-01-01T10:00:00Z", usage(100, 50, 1000, 200), 0.25),
  turn(2, "2026-01-02T10:00:00Z", usage(10, 5), 0.5),
]);
journal(
  "b-codex",
  [
    launch("b-codex", "codex", "/p", "gpt-6.1-sol"),
    turn(1, "2026-01-01T11:00:00Z", usage(1_000_000, 100_000, 200_000)),
    { t: "session", at: "2026-01-01T12:00:00Z", session_id: "s2", model: "gpt-5-mini" },
    turn(2, "2026-01-02T11:00:00Z", usage(2000, 1000)),
  ],
  '{"t":"turn","at":"2026-01-0', // a line cut by a crash
);
journal("c-gemini", [launch("c-gemini", "gemini", "/other", "mystery-model"), turn(1, "2026-01-02T12:00:00Z", usage(400, 40))]);
mkdirSync(join(state, "workers", "helper"), { recursive: true });
writeFileSync(join(state, "workers", "helper", "session.json"), JSON.stringify({ provider: "codex", sessionId: "w", savedAt: "x" }));
writeFileSync(
  join(state, "workers", "helper", "turns.jsonl"),
  [
    { at: "2026-01-03T09:00:00Z", worker: "helper", tokens: { input: 30, output: 3, cacheRead: 0, cacheWrite: 0 } },
    { at: "2026-01-03T09:30:00Z", worker: "helper", model: "gpt-5.1", tokens: { input: 1e6, output: 0, cacheRead: 0, cacheWrite: 0 } },
  ]
    .map((e) => JSON.stringify(e))
    .join("\n") + "\n",
);

const codex1 = costOf("gpt-6.1-sol", usage(1_000_000, 100_000, 200_000)) as number;
const codex2 = costOf("gpt-5-mini", usage(2000, 1000)) as number;
const worker2 = 1.25;

describe("summarizeUsage", () => {
  it("groups by agent: the CLI's cost, else tokens × price with the model of the time; unknown prices stay unknown", () => {
    const s = summarizeUsage(state, { groupBy: "agent" });
    const row = (key: string) => s.rows.find((r) => r.key === key);
    expect(codex1).toBeCloseTo((800_000 * 1.75 + 200_000 * 0.175 + 100_000 * 14) / 1e6, 10);
    expect(row("a-claude")).toMatchObject({ turns: 2, input: 110, output: 55, cache_read: 1000, cache_write: 200, cost_known: true, unknown_cost_turns: 0 });
    expect(row("a-claude")?.cost_usd).toBeCloseTo(0.75, 10);
    expect(row("b-codex")).toMatchObject({ turns: 2, provider: "codex", model: "gpt-5-mini", cost_known: true });
    expect(row("b-codex")?.cost_usd).toBeCloseTo(codex1 + codex2, 10);
    expect(row("c-gemini")).toMatchObject({ turns: 1, input: 400, output: 40, cost_known: false, unknown_cost_turns: 1 });
    expect(row("c-gemini")?.cost_usd).toBeUndefined();
    // A worker's first turn names no model: its cost is unknown; the second is priced.
    expect(row("worker:helper")).toMatchObject({ turns: 2, provider: "codex", cost_known: false, unknown_cost_turns: 1 });
    expect(row("worker:helper")?.cost_usd).toBeCloseTo(worker2, 10);
    expect(s.total).toMatchObject({ key: "total", turns: 7, cost_known: false, unknown_cost_turns: 2 });
    expect(s.total.cost_usd).toBeCloseTo(0.75 + codex1 + codex2 + worker2, 10);
    expect(s.skipped_lines).toBe(1);
    expect(s.rows.map((r) => r.key)).toEqual(["b-codex", "worker:helper", "a-claude", "c-gemini"]); // by cost
  });

  it("groups by provider, model and day", () => {
    const byProvider = summarizeUsage(state, { groupBy: "provider" }).rows;
    expect(byProvider.find((r) => r.key === "codex")).toMatchObject({ turns: 4, cost_known: false, unknown_cost_turns: 1 });
    expect(byProvider.find((r) => r.key === "codex")?.cost_usd).toBeCloseTo(codex1 + codex2 + worker2, 10);
    expect(byProvider.find((r) => r.key === "gemini")).toMatchObject({ turns: 1, cost_known: false });

    const byModel = summarizeUsage(state, { groupBy: "model" }).rows;
    expect(byModel.map((r) => [r.key, r.turns]).sort()).toEqual([
      ["(unknown)", 1],
      ["claude-sonnet-4-5", 2],
      ["gpt-5-mini", 1],
      ["gpt-5.1", 1],
      ["gpt-6.1-sol", 1],
      ["mystery-model", 1],
    ]);

    const byDay = summarizeUsage(state, { groupBy: "day" }).rows;
    expect(byDay.map((r) => [r.key, r.turns])).toEqual([
      ["2026-01-01", 2],
      ["2026-01-02", 3],
      ["2026-01-03", 2],
    ]);
    expect(byDay[0]?.cost_usd).toBeCloseTo(0.25 + codex1, 10);
    expect(byDay[0]?.cost_known).toBe(true);
  });

  it("keeps only turns since a time, and only a project's agents (no workers)", () => {
    const since = summarizeUsage(state, { groupBy: "agent", since: new Date("2026-01-02T11:00:00Z") });
    expect(since.rows.map((r) => [r.key, r.turns]).sort()).toEqual([
      ["b-codex", 1],
      ["c-gemini", 1],
      ["worker:helper", 2],
    ]);
    const project = summarizeUsage(state, { groupBy: "provider", project: "/p" });
    expect(project.rows.map((r) => r.key).sort()).toEqual(["claude", "codex"]);
    expect(project.total).toMatchObject({ turns: 4, cost_known: true });
  });

  it("takes a price table and separate directories", () => {
    const prices: PriceTable = { "mystery-model": { input: 1, output: 10 } };
    const s = summarizeUsage({ agentsDir: join(state, "agents") }, { groupBy: "provider", prices });
    expect(s.rows.find((r) => r.key === "gemini")).toMatchObject({ cost_known: true, cost_usd: (400 + 400) / 1e6 });
    // codex's models are not in this table: unknown, not zero.
    expect(s.rows.find((r) => r.key === "codex")).toMatchObject({ cost_known: false, unknown_cost_turns: 2 });
    expect(s.rows.find((r) => r.key === "codex")?.cost_usd).toBeUndefined();
    expect(summarizeUsage(join(state, "nothing-here"), { groupBy: "day" })).toMatchObject({ rows: [], total: { turns: 0, cost_known: true } });
  });
});

describe("parseSince", () => {
  const now = new Date("2026-02-01T00:00:00Z");
  it("reads durations and ISO dates", () => {
    expect(parseSince("24h", now).toISOString()).toBe("2026-01-31T00:00:00.000Z");
    expect(parseSince("7d", now).toISOString()).toBe("2026-01-25T00:00:00.000Z");
    expect(parseSince("30m", now).toISOString()).toBe("2026-01-31T23:30:00.000Z");
    expect(parseSince("2026-01-15").toISOString()).toBe("2026-01-15T00:00:00.000Z");
    expect(parseSince("2026-01-15T12:00:00Z").toISOString()).toBe("2026-01-15T12:00:00.000Z");
  });
  it("refuses anything else with INVALID_SINCE", () => {
    for (const bad of ["yesterday", "7", "-1d", "2026-13-45"]) {
      expect(() => parseSince(bad), bad).toThrow(UsageError);
      expect(() => parseSince(bad)).toThrow(expect.objectContaining({ code: "INVALID_SINCE" }));
    }
  });
});
