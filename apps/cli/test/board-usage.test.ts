import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendBoardTurn } from "@subagent-mcp/board";
import { TimelineRowSchema } from "@subagent-mcp/contract";
import { stateDir, stateLayout } from "@subagent-mcp/state";
import type { BoardUsageRow, UsageRow } from "@subagent-mcp/usage";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startDashboardCli } from "./dashboard-cli.js";
import { bin } from "./e2e.js";

// A team board's members in the journal and on the board: `usage --by board` sums the board's turns
// per board and per task, and `logs --tree` names the tasks each member's turn worked on.

const root = mkdtempSync(join(tmpdir(), "board-usage-"));
const env = { HOME: root, XDG_STATE_HOME: join(root, "state"), XDG_CONFIG_HOME: join(root, "config"), PATH: process.env.PATH ?? "/usr/bin:/bin" };
const state = stateLayout(stateDir({ home: root, env }));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const at = (s: number): string => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
type Line = Record<string, unknown>;
// A server that has stopped: its agents are ended.
const GONE = { id: "gone", pid: 2 ** 22 + 4_322, started_at: at(0) };
const launch = (id: string, provider: string): Line => ({ t: "launch", at: at(0), agent_id: id, server: GONE, project: "/p", cwd: "/p", provider, label: id });
const prompt = (turn: number, s: number, text: string): Line => ({ t: "prompt", at: at(s), turn, text });
const turn = (n: number, s: number, cost: number): Line => ({
  t: "turn",
  at: at(s),
  turn: n,
  result: "ok",
  is_error: false,
  interrupted: false,
  usage: { input: 1000, output: 200, cache_read: 0, cache_write: 0 },
  cost_usd: cost,
  duration_ms: 1000,
});

function journal(id: string, lines: Line[]): void {
  const dir = join(state.agents, id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, "owner.json"), JSON.stringify({ server: GONE }));
  writeFileSync(join(dir, "journal.jsonl"), lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
}

const cli = (...args: string[]) => execa(process.execPath, [bin, ...args], { cwd: root, env, extendEnv: false, reject: false });

beforeAll(async () => {
  journal("m1", [launch("m1", "claude"), prompt(1, 1, "Build the API"), turn(1, 2, 0.4), prompt(2, 3, "Write the tests"), turn(2, 4, 0.2)]);
  journal("m2", [launch("m2", "codex"), prompt(1, 1, "Review the API and the tests"), turn(1, 5, 0.3)]);
  const team = join(state.boards, "team");
  mkdirSync(team, { recursive: true });
  const member = { board: "team", provider: "claude", tokens: { input: 1000, output: 200 } };
  await appendBoardTurn(team, { ...member, at: at(2), member: "m1", turn: 1, keys: ["api"], outcome: "done", cost_usd: 0.4 });
  await appendBoardTurn(team, { ...member, at: at(4), member: "m1", turn: 2, keys: ["tests"], outcome: "done", cost_usd: 0.2 });
  // A review of two tasks: its cost splits evenly between them.
  await appendBoardTurn(team, { ...member, provider: "codex", at: at(5), member: "m2", turn: 1, keys: ["api", "tests"], outcome: "approved", cost_usd: 0.3 });
  const ops = join(state.boards, "ops");
  mkdirSync(ops);
  await appendBoardTurn(ops, { board: "ops", at: at(6), member: "m9", turn: 1, keys: ["deploy"], cost_usd: 0.05, tokens: { input: 10, output: 5 } });
});

describe("a team board's usage and turns", () => {
  it("usage --by board: a row per board and per task, a review of two tasks split between them, the total; --board keeps one board", async () => {
    const text = await cli("usage", "--by", "board");
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout.split("\n").map((l) => l.replace(/\s+/g, " ").trim())).toEqual([
      "board/task turns input output cache read cache write cost",
      "team 3 3,000 600 0 0 $0.9000",
      "team/api 2 1,500 300 0 0 $0.5500",
      "team/tests 2 1,500 300 0 0 $0.3500",
      "ops 1 10 5 0 0 $0.0500",
      "ops/deploy 1 10 5 0 0 $0.0500",
      "total 4 3,010 605 0 0 $0.9500",
    ]);

    const json = await cli("usage", "--by", "board", "--board", "team", "--json");
    expect(json.exitCode, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout) as { group_by: string; rows: BoardUsageRow[]; total: UsageRow; skipped_lines: number };
    expect(out.group_by).toBe("board");
    expect(out.rows.map((r) => [r.key, r.board, r.task, r.turns, Math.round((r.cost_usd ?? 0) * 1e6) / 1e6])).toEqual([
      ["team", "team", undefined, 3, 0.9],
      ["team/api", "team", "api", 2, 0.55],
      ["team/tests", "team", "tests", 2, 0.35],
    ]);
    expect(out.total).toMatchObject({ key: "total", turns: 3, input: 3000, output: 600, cost_known: true });
    expect(out.skipped_lines).toBe(0);

    const unknown = await cli("usage", "--by", "board", "--board", "nope");
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('--board: no board "nope"');
    const bad = await cli("usage", "--by", "team");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--by must be agent, provider, model, day, category or board (got "team")');
    expect((await cli("usage", "--board", "team")).stderr).toContain("--board goes with --by board");
  });

  it("logs --tree: each member's turn names the board tasks it worked on; --json carries them on the turns", async () => {
    const tree = await cli("logs", "--tree");
    expect(tree.exitCode, tree.stderr).toBe(0);
    const turns = tree.stdout.split("\n").filter((l) => l.trim().startsWith("turn "));
    expect(turns).toEqual([
      "  turn 1  1.0 s  $0.4000 [board team: api]  Build the API",
      "  turn 2  1.0 s  $0.2000 [board team: tests]  Write the tests",
      "  turn 1  1.0 s  $0.3000 [board team: api, tests]  Review the API and the tests",
    ]);
    const json = await cli("logs", "--tree", "m2", "--json");
    expect(json.exitCode, json.stderr).toBe(0);
    const rows = z.array(TimelineRowSchema).parse(JSON.parse(json.stdout));
    expect(rows[0]?.turns.map((t) => t.tasks)).toEqual([[{ board: "team", keys: ["api", "tests"] }]]);
  });

  it("the dashboard's timeline carries the same tasks on the members' turns", async () => {
    const d = await startDashboardCli(env, root);
    try {
      const url = new URL(d.url);
      const at = new URL("/api/timeline", url.origin);
      at.searchParams.set("root", "m1");
      at.searchParams.set("token", url.searchParams.get("token") ?? "");
      const res = await fetch(at);
      expect(res.status).toBe(200);
      const timeline = z.object({ rows: z.array(TimelineRowSchema) }).parse(await res.json());
      expect(timeline.rows.map((r) => [r.agent_id, r.turns.map((t) => t.tasks)])).toEqual([
        ["m1", [[{ board: "team", keys: ["api"] }], [{ board: "team", keys: ["tests"] }]]],
      ]);
    } finally {
      await d.stop();
    }
  });
});
