import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { headLine, linesFromEnd, linesFromStart } from "../src/window.js";
import { latestOf } from "../src/tail.js";
import { summarize } from "../src/list.js";
import { readJournal } from "../src/read.js";
import { summarizeEnds } from "../src/tail.js";
import { JournalWriter, type JournalEntry } from "../src/index.js";
import { everyEntry, liveServer, tempDir, turnAt } from "./helpers.js";

const stats = () => ({ bytes: 0, skipped: 0, truncated: false });

function files(dir: string, texts: string[]): string[] {
  mkdirSync(dir, { recursive: true });
  return texts.map((t, i) => {
    const path = join(dir, `f${i}`);
    writeFileSync(path, t);
    return path;
  });
}

describe("windowed reads", () => {
  it("reads lines backwards across files and chunks, leaving out an unfinished last line", () => {
    const long = "x".repeat(200_000);
    const paths = files(tempDir(), [`a\nb\n${long}\n`, "c\n\nd\npartial"]);
    const s = stats();
    expect([...linesFromEnd(paths, 10_000_000, s)]).toEqual(["d", "c", long, "b", "a"]);
    expect(s.skipped).toBe(1);
    const f = stats();
    expect([...linesFromStart(paths, f)]).toEqual(["a", "b", long, "c", "d"]);
    expect(f.skipped).toBe(1);
  });

  it("stops at its byte budget, saying so", () => {
    const paths = files(tempDir(), [Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join("\n") + "\n"]);
    const s = stats();
    const lines = [...linesFromEnd(paths, 1_000, s)];
    expect(s.bytes).toBeLessThanOrEqual(1_000);
    expect(s.truncated).toBe(true);
    expect(lines[0]).toBe("line 9999");
    expect(lines.length).toBeLessThan(150);
  });

  it("reads a file's first line only", () => {
    const paths = files(tempDir(), [`${"h".repeat(100_000)}\nrest\n`, "no newline"]);
    expect(headLine(paths[0] ?? "")).toHaveLength(100_000);
    expect(headLine(paths[1] ?? "")).toBeUndefined();
  });
});

describe("a summary from the journal's two ends", () => {
  it("says what a whole reading says", async () => {
    const dir = tempDir();
    const server = liveServer("s1");
    const w = new JournalWriter({ dir, server, maxFileBytes: 2_000 });
    const id = w.claim();
    const entries: JournalEntry[] = [...everyEntry(id, server)];
    for (let n = 2; n < 40; n++)
      entries.push(
        { t: "prompt", at: `2025-01-02T00:00:${String(n).padStart(2, "0")}.000Z`, turn: n, text: `do ${n}` },
        { t: "tool", at: "2025-01-02T00:01:00.000Z", turn: n, name: "Bash", summary: "ls" },
        // 2025-01-02T00:02:00Z
        turnAt(n, 86_520),
        { t: "status", at: "2025-01-02T00:03:00.000Z", status: "idle", alive: true },
      );
    entries.push({ t: "prompt", at: "2025-01-03T00:00:00.000Z", turn: 40, text: "last one" });
    for (const e of entries) w.append(id, e);
    await w.flush();
    const whole = readJournal(dir, id);
    // Rotation dropped the oldest files: the whole reading sees fewer turns than were written, the ends see the newest's number.
    const ends = summarizeEnds(dir, id);
    const full = summarize(id, whole.entries, whole.owner);
    expect({ ...ends, turns: 0 }).toEqual({ ...full, turns: 0 });
    expect(ends?.turns).toBe(39);
    expect(ends?.last_turn_running).toBe(true);
    expect(latestOf([]).stats.bytes).toBe(0);
  });
});
