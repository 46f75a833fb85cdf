import { describe, expect, it } from "vitest";
import { agentTree, JournalError, JournalWriter, timelineRow, type JournalEntry, type ServerRef } from "../src/index.js";
import { deadPid, liveServer, tempDir } from "./helpers.js";

// The agent tree's timeline, built from journals written to a temporary directory.

const at = (s: number): string => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
const usage = { input: 100, output: 20, cache_read: 5, cache_write: 0 };
const launch = (id: string, server: ServerRef, s: number, extra: Partial<Extract<JournalEntry, { t: "launch" }>> = {}): JournalEntry => ({
  t: "launch",
  at: at(s),
  agent_id: id,
  server,
  project: "/p",
  provider: "claude",
  model: "opus",
  cwd: "/p",
  ...extra,
});
const prompt = (turn: number, s: number, text = `task ${turn}`): JournalEntry => ({ t: "prompt", at: at(s), turn, text });
const turn = (n: number, s: number, extra: Partial<Extract<JournalEntry, { t: "turn" }>> = {}): JournalEntry => ({
  t: "turn",
  at: at(s),
  turn: n,
  result: `result ${n}`,
  is_error: false,
  interrupted: false,
  usage,
  cost_usd: 0.25,
  duration_ms: 1000,
  ...extra,
});
const status = (s: number, st: string, alive = true, note?: string): JournalEntry => ({
  t: "status",
  at: at(s),
  status: st,
  alive,
  ...(note === undefined ? {} : { note }),
});

async function write(dir: string, server: ServerRef, journals: Record<string, JournalEntry[]>): Promise<void> {
  const w = new JournalWriter({ dir, server });
  for (const [id, entries] of Object.entries(journals)) {
    w.claim(id);
    for (const e of entries) w.append(id, e);
  }
  await w.flush();
}

describe("timelineRow", () => {
  it("makes turns spans with heads, cost and tokens; a queued turn starts when the one before it ended", () => {
    const long = `${"word ".repeat(40)}\nend`;
    const row = timelineRow(
      "a1",
      [
        launch("a1", liveServer("s"), 0, { label: "fixer" }),
        { t: "session", at: at(0), session_id: "s-1", model: "opus-4" },
        prompt(1, 1, long),
        status(1, "processing"),
        prompt(2, 3, "queued while turn 1 ran"),
        turn(1, 5, { result: long }),
        turn(2, 9, { cost_usd: undefined, is_error: true }),
        status(9, "finished"),
      ],
      true,
    );
    expect(row).toMatchObject({ agent_id: "a1", provider: "claude", model: "opus-4", label: "fixer", status: "finished", live: true, started_at: at(0) });
    expect(row.ended_at).toBeUndefined();
    expect(row.parent).toBeUndefined();
    const [t1, t2] = row.turns;
    expect(t1).toMatchObject({ turn: 1, start: at(1), end: at(5), tokens: 120, cost_usd: 0.25, duration_ms: 1000, is_error: false });
    expect(t1?.prompt_head).toHaveLength(120);
    expect(t1?.prompt_head).toMatch(/^word word .*…$/);
    expect(t1?.prompt_head).not.toContain("\n");
    expect(t1?.result_head).toHaveLength(120);
    // Sent at 3 s, but it waited for turn 1 (until 5 s).
    expect(t2).toMatchObject({ turn: 2, start: at(5), end: at(9), prompt_head: "queued while turn 1 ran", is_error: true, result_head: "result 2" });
    expect(t2?.cost_usd).toBeUndefined();
    expect(row).toMatchObject({ cost_usd: 0.25, unknown_cost_turns: 1 });
  });

  it("marks permission waits until the next status and budget stops with their limit; prices turns without a cost", () => {
    const row = timelineRow(
      "a1",
      [
        launch("a1", liveServer("s"), 0, { lineage: ["top", "mid"] }),
        prompt(1, 1),
        status(2, "permission_requested", true, "Bash: touch x"),
        status(4, "processing"),
        status(5, "permission_requested"),
        turn(1, 8, { cost_usd: undefined }),
        status(8, "budget_exceeded", true, "max_turns 1 turns: 1 turns spent (100 %)"),
      ],
      true,
      (t) => t.cost_usd ?? (t.model === "opus" ? t.usage.output / 100 : undefined),
    );
    expect(row.parent).toBe("mid");
    expect(row.marks).toEqual([
      { kind: "permission", at: at(2), until: at(4), note: "Bash: touch x" },
      { kind: "permission", at: at(5), until: at(8) },
      { kind: "budget", at: at(8), note: "max_turns 1 turns: 1 turns spent (100 %)" },
    ]);
    expect(row).toMatchObject({ status: "budget_exceeded", live: true, cost_usd: 0.2, unknown_cost_turns: 0 });
    expect(row.turns[0]).toMatchObject({ cost_usd: 0.2 });
  });

  it("a turn under way has no end while the agent lives; an end or a dead server cuts it, and the wait with it", () => {
    const entries = [launch("a1", liveServer("s"), 0), prompt(1, 1), status(1, "processing"), status(3, "permission_requested")];
    const live = timelineRow("a1", entries, true);
    expect(live.turns[0]).toMatchObject({ start: at(1), interrupted: false });
    expect(live.turns[0]?.end).toBeUndefined();
    expect(live.marks[0]?.until).toBeUndefined();

    const gone = timelineRow("a1", entries, false);
    expect(gone).toMatchObject({ live: false, status: "ended", ended_at: at(3) });
    expect(gone.turns[0]).toMatchObject({ end: at(3), interrupted: true });
    expect(gone.marks[0]).toMatchObject({ until: at(3) });

    const killed = timelineRow("a1", [...entries, { t: "end", at: at(6), status: "stopped", why: "killed" }], true);
    expect(killed).toMatchObject({ live: false, status: "stopped", ended_at: at(6) });
    expect(killed.turns[0]).toMatchObject({ end: at(6), interrupted: true });
    expect(killed.turns[0]?.result_head).toBeUndefined();
  });

  it("a resume cuts what its previous life left under way and numbers on; its end is the new life's", () => {
    const server = liveServer("s");
    const row = timelineRow(
      "a1",
      [
        launch("a1", server, 0),
        prompt(1, 1),
        turn(1, 2),
        prompt(2, 3),
        status(4, "processing"),
        { t: "resume", at: at(20), server, reason: "resume_agent" },
        prompt(2, 21, "again"),
        turn(2, 25),
        status(25, "finished"),
      ],
      true,
    );
    expect(row.turns.map((t) => [t.turn, t.start, t.end, t.interrupted, t.prompt_head])).toEqual([
      [1, at(1), at(2), false, "task 1"],
      [2, at(3), at(4), true, "task 2"],
      [2, at(21), at(25), false, "again"],
    ]);
    expect(row).toMatchObject({ live: true, cost_usd: 0.5 });
  });
});

describe("agentTree", () => {
  it("puts nested agents under their parent, parents first, siblings by start time, with depths", async () => {
    const dir = tempDir();
    const s = liveServer("s");
    await write(dir, s, {
      top: [launch("top", s, 0), prompt(1, 1), turn(1, 30), status(30, "finished")],
      late: [launch("late", s, 5, { lineage: ["top"] }), prompt(1, 6), turn(1, 9)],
      early: [launch("early", s, 2, { lineage: ["top"] }), prompt(1, 3), turn(1, 4)],
      deep: [launch("deep", s, 7, { lineage: ["top", "late"] }), prompt(1, 7), turn(1, 8)],
      // Its parent's journal is gone (pruned): it hangs under its grandparent.
      orphan: [launch("orphan", s, 8, { lineage: ["top", "pruned"] })],
      other: [launch("other", s, 40, { project: "/q" }), prompt(1, 41), turn(1, 42)],
    });
    const rows = agentTree(dir, { project: "/p" });
    expect(rows.map((r) => [r.agent_id, r.depth, r.parent])).toEqual([
      ["top", 0, undefined],
      ["early", 1, "top"],
      ["late", 1, "top"],
      ["deep", 2, "late"],
      ["orphan", 1, "top"],
    ]);
    expect(agentTree(dir).map((r) => r.agent_id)).toEqual(["top", "early", "late", "deep", "orphan", "other"]);
    expect(agentTree(dir, { root: "late" }).map((r) => [r.agent_id, r.depth, r.parent])).toEqual([
      ["late", 0, "top"],
      ["deep", 1, "late"],
    ]);
    // The roots whose trees were active last.
    expect(agentTree(dir, { maxRoots: 1 }).map((r) => r.agent_id)).toEqual(["other"]);
    expect(rows[0]).toMatchObject({ live: true, status: "finished", cost_usd: 0.25 });
  });

  it("an agent whose server died shows as ended; an unknown or bad root is the journal's error", async () => {
    const dir = tempDir();
    const dead = { id: "gone", pid: await deadPid(), started_at: at(0) };
    await write(dir, dead, { a1: [launch("a1", dead, 0), prompt(1, 1), status(1, "processing")] });
    expect(agentTree(dir)).toEqual([expect.objectContaining({ agent_id: "a1", live: false, status: "ended", ended_at: at(1) })]);
    expect(() => agentTree(dir, { root: "nope" })).toThrow(JournalError);
    expect(() => agentTree(dir, { root: "nope" })).toThrow(/no journal for agent nope/);
    expect(() => agentTree(dir, { root: "../x" })).toThrow(/not valid/);
    expect(agentTree(`${dir}-missing`)).toEqual([]);
  });
});
