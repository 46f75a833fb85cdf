import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entriesBefore, entriesStats, journalEntries, JournalWriter, readJournal, type JournalEntry } from "../src/index.js";
import { liveServer, tempDir } from "./helpers.js";

const at = (n: number): string => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
const usage = { input: 1, output: 1, cache_read: 0, cache_write: 0 };

// An agent of `turns` turns in a journal rotated every ~2 KB; turn 3's message comes while turn 2 runs.
async function journal(turns: number): Promise<{ dir: string; id: string }> {
  const dir = tempDir();
  const server = liveServer("s1");
  const w = new JournalWriter({ dir, server, maxFileBytes: 2_000, keepFiles: 100 });
  const id = w.claim();
  const entries: JournalEntry[] = [
    { t: "launch", at: at(0), agent_id: id, server, project: "/p", provider: "claude", cwd: "/p" },
    { t: "session", at: at(0), session_id: "s" },
  ];
  for (let n = 1; n <= turns; n++) {
    if (n !== 3) entries.push({ t: "prompt", at: at(n), turn: n, text: `go ${n}` });
    entries.push({ t: "tool", at: at(n), turn: n, name: "Bash", summary: `ls ${n}` });
    if (n === 2) entries.push({ t: "prompt", at: at(n), turn: 3, text: "go 3" });
    entries.push({ t: "turn", at: at(n), turn: n, result: `done ${n}`, is_error: false, interrupted: false, usage, duration_ms: 5 });
    entries.push({ t: "status", at: at(n), status: "idle", alive: true });
  }
  for (const e of entries) w.append(id, e);
  await w.close(id);
  return { dir, id };
}

const turnsIn = (entries: JournalEntry[]): number[] => [...new Set(entries.flatMap((e) => ("turn" in e ? [e.turn] : [])))];

describe("a journal read a page of entries at a time", () => {
  it("pages back from the newest turns to the first, each page whole and in order, never the launch", async () => {
    const { dir, id } = await journal(30);
    const newest = entriesBefore(dir, id, Number.POSITIVE_INFINITY, 4);
    expect(turnsIn(newest.entries)).toEqual([27, 28, 29, 30]);
    expect(newest.entries.at(-1)).toMatchObject({ t: "status", status: "idle" });
    expect(newest.earlierTurn).toBe(27);
    // Every page before it, joined, is the whole journal less its launches, each entry once (a
    // message queued during a turn is on its own turn's page).
    const all: JournalEntry[][] = [newest.entries];
    for (let before = newest.earlierTurn; before !== undefined;) {
      const page = entriesBefore(dir, id, before, 4);
      all.unshift(page.entries);
      before = page.earlierTurn;
    }
    const whole = readJournal(dir, id).entries.filter((e) => e.t !== "launch");
    const key = (e: JournalEntry): string => JSON.stringify(e);
    expect(all.flat().map(key).sort()).toEqual(whole.map(key).sort());
    expect(all.map(turnsIn)).toEqual(Array.from({ length: 8 }, (_, i) => [i * 4 - 1, i * 4, i * 4 + 1, i * 4 + 2].filter((n) => n >= 1)));
    expect(all[0]?.[0]).toMatchObject({ t: "session" });
    expect(all[1]?.[0]).toMatchObject({ t: "prompt", text: "go 3" });
  });

  it("streams entries oldest first across rotated files, leaving out the launch copies and counting a cut line", async () => {
    const { dir, id } = await journal(30);
    appendFileSync(join(dir, id, "journal.jsonl"), '{"t":"prompt","at":"cut');
    const stats = entriesStats();
    const streamed = [...journalEntries(dir, id, stats, { copies: "skip" })];
    expect(streamed.filter((e) => e.t === "launch")).toHaveLength(1);
    expect(stats.copies).toBeGreaterThan(3);
    expect(stats.skipped).toBe(1);
    expect(turnsIn(streamed)).toHaveLength(30);
    const turnsOnly = [...journalEntries(dir, id, entriesStats(), { only: /^\{"t":"turn"/ })];
    expect(turnsOnly.map((e) => e.t === "turn" && e.turn)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(() => journalEntries(dir, "nobody", entriesStats())).toThrow(/no journal for agent nobody/);
  });
});
