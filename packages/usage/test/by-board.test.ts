import { describe, expect, it } from "vitest";
import { costOf, renderUsage, summarizeBoards, type UsageRow } from "../src/index.js";

// `usage --by board`: the turns a board recorded, per board and per task; a turn on several tasks
// splits its tokens and cost evenly between them.

const turn = (at: string, member: string, keys: string[], cost?: number, tokens = { input: 900, output: 300 }, model?: string) => ({
  at,
  member,
  keys,
  tokens,
  ...(cost === undefined ? {} : { cost_usd: cost }),
  ...(model === undefined ? {} : { model }),
});

const pick = (r: UsageRow & { board?: string; task?: string }) => ({
  key: r.key,
  board: r.board,
  task: r.task,
  turns: r.turns,
  input: r.input,
  output: r.output,
  cost: r.cost_usd === undefined ? undefined : Math.round(r.cost_usd * 1e9) / 1e9,
  known: r.cost_known,
});

describe("summarizeBoards", () => {
  const boards = [
    {
      board: "team",
      turns: [
        turn("2026-01-01T10:00:00Z", "a1", ["api"], 0.3),
        turn("2026-01-01T11:00:00Z", "a2", ["api", "tests", "docs"], 0.9),
        turn("2026-01-01T12:00:00Z", "a1", ["tests"], 0.6, { input: 100, output: 50 }),
      ],
      skipped: 1,
    },
    { board: "small", turns: [turn("2026-01-02T10:00:00Z", "b1", [], 0.05)] },
    // A board none of whose members finished a turn: no row.
    { board: "empty", turns: [] },
  ];

  it("rows per board then its tasks, costliest first; a turn on three tasks gives each a third; the total counts each turn once", () => {
    const s = summarizeBoards(boards);
    expect(s.rows.map(pick)).toEqual([
      { key: "team", board: "team", task: undefined, turns: 3, input: 1900, output: 650, cost: 1.8, known: true },
      { key: "team/tests", board: "team", task: "tests", turns: 2, input: 400, output: 150, cost: 0.9, known: true },
      { key: "team/api", board: "team", task: "api", turns: 2, input: 1200, output: 400, cost: 0.6, known: true },
      { key: "team/docs", board: "team", task: "docs", turns: 1, input: 300, output: 100, cost: 0.3, known: true },
      { key: "small", board: "small", task: undefined, turns: 1, input: 900, output: 300, cost: 0.05, known: true },
      { key: "small/(no task)", board: "small", task: "(no task)", turns: 1, input: 900, output: 300, cost: 0.05, known: true },
    ]);
    expect(pick(s.total)).toMatchObject({ key: "total", turns: 4, input: 2800, output: 950, known: true });
    expect(s.total.cost_usd).toBeCloseTo(1.85, 12);
    expect(s.skipped_lines).toBe(1);
  });

  it("keeps only turns since a time; prices a turn the board recorded no cost for, else counts it unknown", () => {
    expect(summarizeBoards(boards, { since: new Date("2026-01-02T00:00:00Z") }).rows.map((r) => r.key)).toEqual(["small", "small/(no task)"]);
    const priced = summarizeBoards([
      { board: "b", turns: [turn("2026-01-01T10:00:00Z", "a1", ["x", "y"], undefined, { input: 1000, output: 1000 }, "claude-opus-4-5")] },
    ]);
    const full = costOf("claude-opus-4-5", { input: 1000, output: 1000 }) as number;
    expect(full).toBeGreaterThan(0);
    expect(priced.rows.map((r) => [r.key, r.cost_usd])).toEqual([
      ["b", full],
      ["b/x", full / 2],
      ["b/y", full / 2],
    ]);
    const unknown = summarizeBoards([{ board: "b", turns: [turn("2026-01-01T10:00:00Z", "a1", ["x"], undefined, { input: 5, output: 5 }, "no-such-model")] }]);
    expect(unknown.total).toMatchObject({ cost_known: false, unknown_cost_turns: 1 });
    expect(unknown.total.cost_usd).toBeUndefined();
  });

  it("renders each board's tasks indented under it, the total last", () => {
    const lines = renderUsage(summarizeBoards(boards), "board").split("\n");
    expect(lines[0]).toMatch(/^board\/task\s+turns\s+input\s+output\s+cache read\s+cache write\s+cost$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(["team", "", "", "", "small", "", "total"]);
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual(["team", "team/tests", "team/api", "team/docs", "small", "small/(no", "total"]);
    expect(lines.at(-1)).toMatch(/^total\s+4\s+2,800\s+950\s+0\s+0\s+\$1\.8500$/);
    expect(renderUsage(summarizeBoards([]), "board")).toBe("No finished turns on a board.");
  });
});
