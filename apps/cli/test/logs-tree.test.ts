import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TimelineRowSchema } from "@subagent-mcp/contract";
import { stateDir } from "@subagent-mcp/state";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { bin, startE2E, type E2E } from "./e2e.js";
import { nestedTree } from "./nested-tree.js";

// `subagent-mcp logs --tree`: the agent tree's timeline in a terminal, from journals written
// straight into a state dir, then from a real nested run.

let e: E2E | undefined;
const made: string[] = [];
afterEach(async () => {
  await e?.close();
  e = undefined;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const at = (s: number): string => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
const usage = { input: 1000, output: 200, cache_read: 0, cache_write: 0 };
type Line = Record<string, unknown>;
const launch = (id: string, s: number, extra: Line = {}): Line => ({ t: "launch", at: at(s), agent_id: id, server: GONE, project: "/p", cwd: "/p", ...extra });
const prompt = (turn: number, s: number, text: string): Line => ({ t: "prompt", at: at(s), turn, text });
const turn = (n: number, s: number, ms: number, extra: Line = {}): Line => ({
  t: "turn",
  at: at(s),
  turn: n,
  result: `result ${n}`,
  is_error: false,
  interrupted: false,
  usage,
  cost_usd: 0.25,
  duration_ms: ms,
  ...extra,
});
const status = (s: number, st: string, note?: string): Line => ({ t: "status", at: at(s), status: st, alive: true, ...(note === undefined ? {} : { note }) });
const end = (s: number): Line => ({ t: "end", at: at(s), status: "stopped", why: "killed" });
// A server that has stopped: its agents are ended.
const GONE = { id: "gone", pid: 2 ** 22 + 4_321, started_at: at(0) };

/** A HOME whose state dir holds these journals, and the CLI run there. */
function home(journals: Record<string, Line[]>): (...args: string[]) => Promise<{ stdout: string; stderr: string; exitCode?: number }> {
  const root = mkdtempSync(join(tmpdir(), "logs-tree-"));
  made.push(root);
  const env = { HOME: root, XDG_STATE_HOME: join(root, "state"), XDG_CONFIG_HOME: join(root, "config"), PATH: process.env.PATH ?? "/usr/bin:/bin" };
  for (const [id, lines] of Object.entries(journals)) {
    const dir = join(stateDir({ home: root, env }), "agents", id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, "owner.json"), JSON.stringify({ server: GONE }));
    writeFileSync(join(dir, "journal.jsonl"), lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
  }
  return (...args) => execa(process.execPath, [bin, "logs", ...args], { cwd: root, env, extendEnv: false, reject: false });
}

describe("subagent-mcp logs --tree", () => {
  it("prints each agent indented under its parent, its turns, permission waits and budget stops; --json the rows", async () => {
    const logs = home({
      a1: [
        launch("a1", 0, { provider: "claude", model: "opus", label: "lead" }),
        prompt(1, 1, "Plan the release and delegate the checks"),
        turn(1, 3, 2000),
        prompt(2, 4, "Tag it"),
        status(5, "permission_requested", "Bash: git tag v1"),
        status(8, "processing"),
        turn(2, 9, 5000, { is_error: true }),
        end(10),
      ],
      c3: [
        launch("c3", 2, { provider: "codex", lineage: ["a1"] }),
        prompt(1, 2, "Run the checks"),
        turn(1, 3, 850, { cost_usd: undefined }),
        status(3, "budget_exceeded", "max_turns 1"),
      ],
      d4: [launch("d4", 2, { provider: "gemini", lineage: ["a1", "c3"] }), prompt(1, 2, "Lint"), status(2, "processing")],
      b2: [launch("b2", 20, { provider: "claude" })],
    });
    const out = await logs("--tree");
    expect(out.exitCode, out.stderr).toBe(0);
    expect(out.stdout.split("\n")).toEqual([
      'a1 claude/opus "lead" stopped, 2 turns, 10.0 s, $0.5000',
      "  turn 1  2.0 s  $0.2500  Plan the release and delegate the checks",
      "  turn 2  5.0 s  $0.2500 [failed]  Tag it",
      "  ! permission wait at 12:00:05, 3.0 s: Bash: git tag v1",
      "  └ c3 codex ended, 1 turn, 1.0 s, cost unknown",
      "      turn 1  850 ms  cost unknown  Run the checks",
      "      ! budget stop at 12:00:03: max_turns 1",
      "    └ d4 gemini ended, 1 turn, 0 ms, cost unknown",
      "        turn 1  0 ms  cost unknown [interrupted]  Lint",
      "b2 claude unknown, 0 turns, 0 ms, cost unknown",
    ]);

    const sub = await logs("--tree", "c3", "--json");
    expect(sub.exitCode, sub.stderr).toBe(0);
    const rows = z.array(TimelineRowSchema).parse(JSON.parse(sub.stdout));
    expect(rows.map((r) => [r.agent_id, r.depth, r.parent])).toEqual([
      ["c3", 0, "a1"],
      ["d4", 1, "c3"],
    ]);
    expect(rows[0]?.marks).toEqual([{ kind: "budget", at: at(3), note: "max_turns 1" }]);

    const unknown = await logs("--tree", "nobody");
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/^subagent-mcp: logs: no journal for agent "nobody" in .*agents$/);
    const bad = await logs("--tree", "../etc");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("is not valid");
    const none = await logs();
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain("logs: which agent?");
    expect((await logs("--tree", "--follow")).stderr).toContain("--tree does not --follow");
  });

  it("shows a real nested agent under the sub-agent that launched it, with its budget stop", { timeout: 180_000 }, async () => {
    const s = (e = await startE2E({ ENABLE_TOOL_SEARCH: "false" }));
    const { parent, child } = await nestedTree(s);
    const logs = (...args: string[]) => execa(process.execPath, [bin, "logs", "--tree", ...args], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false });
    const out = await logs(parent);
    const lines = out.stdout.split("\n");
    expect(lines[0]).toMatch(new RegExp(`^${parent} claude/\\S+ "lead" finished \\(live\\), 1 turn, .* \\$\\d+\\.\\d{4}$`));
    expect(lines[1]).toMatch(/^ {2}turn 1 {2}.* {2}Delegate the docs review to a nested agent$/);
    const at = lines.findIndex((l) => l.startsWith(`  └ ${child} claude`));
    expect(at, out.stdout).toBe(2);
    expect(lines[at]).toContain('"docs-child" budget_exceeded (live), 1 turn');
    expect(lines.slice(at + 1)).toEqual([
      expect.stringMatching(/^ {6}turn 1 {2}.* {2}Review the nested docs$/),
      expect.stringMatching(/^ {6}! budget stop at .*: max_turns 1/),
    ]);
    // Without an agent: the recent roots, this tree among them.
    expect((await logs()).stdout).toContain(`  └ ${child} claude`);
  });
});
