import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { receiptLine, type Receipt } from "@subagent-mcp/contract";
import { describe, expect, it } from "vitest";
import { journalReceipt, JournalWriter, readJournal, timelineRow, turnsFrom, type JournalEntry } from "../src/index.js";
import { liveServer, prompt, tempDir } from "./helpers.js";

// A turn's receipt kept with its turn entry: written, read back as written, shown by the turn
// readers and the timeline; journals from before receipts read as they did.

const suspect: Receipt = {
  ended: { how: "end_turn" },
  tools: { calls: 0, by_kind: {}, failed: 0 },
  commands: [],
  permissions: [],
  files: { source: "git", changed: [], total: { files: 0, added: 0, removed: 0 } },
  tests: { runs: 0, verdict: "none" },
  tokens: { input: 10, output: 5 },
  duration_ms: 900,
  suspect: [{ reason: "no_tool_calls", evidence: 'says "all tests pass" but ran no tool' }],
};

const turnEntry = (turn: number, receipt?: Receipt): JournalEntry => ({
  t: "turn",
  at: new Date(Date.UTC(2025, 0, 1) + turn * 1000 + 500).toISOString(),
  turn,
  result: "Done, all tests pass",
  is_error: false,
  interrupted: false,
  usage: { input: 10, output: 5, cache_read: 0, cache_write: 0 },
  duration_ms: 400,
  ...(receipt === undefined ? {} : { receipt }),
});

async function written(entries: JournalEntry[]): Promise<{ dir: string; id: string }> {
  const dir = tempDir();
  const w = new JournalWriter({ dir, server: liveServer("s1") });
  const id = w.claim("a1");
  for (const e of entries) w.append(id, e);
  await w.flush();
  await w.close(id);
  return { dir, id };
}

describe("a turn's receipt in the journal", () => {
  it("is read back as written, in the turn readers and as the timeline's line; a turn without one has none", async () => {
    const entries = [prompt(1), turnEntry(1, suspect), prompt(2), turnEntry(2)];
    const { dir, id } = await written(entries);
    expect(readJournal(dir, id).entries).toEqual(entries);
    const { turns } = turnsFrom(dir, id, 1, () => false);
    expect(turns[0]?.receipt).toEqual(suspect);
    expect(turns[1]).not.toHaveProperty("receipt");
    const row = timelineRow(id, readJournal(dir, id).entries, false);
    expect(row.turns[0]?.receipt_line).toBe(receiptLine(suspect));
    expect(row.turns[0]?.receipt_line).toMatch(/^SUSPECT: says "all tests pass" but ran no tool/);
    expect(row.turns[1]).not.toHaveProperty("receipt_line");
  });

  it("reads a journal written before receipts, and keeps a turn whose receipt it cannot parse (without the receipt)", async () => {
    const { dir, id } = await written([prompt(1)]);
    const old = { ...turnEntry(1) } as Record<string, unknown>;
    appendFileSync(join(dir, id, "journal.jsonl"), `${JSON.stringify(old)}\n`);
    appendFileSync(join(dir, id, "journal.jsonl"), `${JSON.stringify({ ...turnEntry(2), receipt: { from: "a newer shape" } })}\n`);
    const read = readJournal(dir, id);
    expect(read.skipped).toBe(0);
    expect(read.entries.map((e) => e.t)).toEqual(["prompt", "turn", "turn"]);
    const { turns } = turnsFrom(dir, id, 1, () => false);
    expect(turns.map((t) => [t.turn, t.result, t.receipt])).toEqual([
      [1, "Done, all tests pass", undefined],
      [2, "Done, all tests pass", undefined],
    ]);
  });

  it("is kept small: at most 50 commands, files and permissions, long texts cut, the rest counted", () => {
    const many = 120;
    const big: Receipt = {
      ...suspect,
      commands: Array.from({ length: many }, (_, i) => ({ command: `npm test -- ${"x".repeat(i === 0 ? 5000 : 10)}`, exit_code: i % 2 })),
      commands_omitted: 7,
      files: {
        source: "git",
        changed: Array.from({ length: many }, (_, i) => ({ path: `src/f${i}.ts`, change: "modified" as const, added: 1, removed: 0 })),
        total: { files: many, added: many, removed: 0 },
      },
      permissions: Array.from({ length: many }, () => ({ tool: "Bash", summary: "y".repeat(2000), decision: "allow" as const, by: "rule" as const })),
      attempts: [{ ...suspect, provider: "codex", commands: [{ command: "z".repeat(4000), exit_code: 1 }] }],
    };
    const kept = journalReceipt(big);
    expect(kept.commands).toHaveLength(50);
    expect(kept.commands_omitted).toBe(7 + many - 50);
    expect(kept.commands[0]?.command.length).toBeLessThanOrEqual(300);
    expect(kept.files.changed).toHaveLength(50);
    expect(kept.files.omitted).toBe(many - 50);
    expect(kept.files.total).toEqual(big.files.total);
    expect(kept.permissions).toHaveLength(50);
    expect(kept.attempts?.[0]?.commands[0]?.command.length).toBeLessThanOrEqual(300);
    expect(JSON.stringify(kept).length).toBeLessThan(40_000);
    expect(receiptLine(kept)).toBe(receiptLine(big));
    // A small one is kept as it is.
    expect(journalReceipt(suspect)).toEqual(suspect);
  });
});
