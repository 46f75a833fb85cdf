import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capRows, capStandings, reserveTurn, SpendLedger } from "../src/index.js";

// A turn under a cap is reserved in the ledger before it starts: the live reservations ahead of it
// count as turns (and their expected dollars), its own line replaces it, a release or its owner's
// death frees it; and a line that is not ours is never counted, always shown.

const ledgerPath = (): string => join(mkdtempSync(join(tmpdir(), "spend-res-")), "state", "spend.jsonl");
const now = (): string => new Date().toISOString();
const lines = (path: string): Record<string, unknown>[] =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("turns reserved in the spend ledger", () => {
  it("of six readers reserving at once under day_turns 1, the first passes and the others are refused with the numbers", () => {
    const path = ledgerPath();
    const caps = { claude: { day_turns: 1 } };
    // Six readers, as six servers each with its own: each reservation is counted by those after it.
    const outcomes = Array.from({ length: 6 }, () => reserveTurn(new SpendLedger(path), caps, { provider: "claude" }));
    expect(outcomes.filter((o) => "id" in o)).toHaveLength(1);
    expect("id" in (outcomes[0] as object)).toBe(true);
    for (const o of outcomes.slice(1))
      expect(o).toEqual({ refused: expect.stringMatching(/^spend cap claude day_turns 1 reached: 0 turns today and 1 under way \(resets /) as unknown });
    // Each refused one was given back: only the first is live.
    const reader = new SpendLedger(path);
    expect(reader.reservations().map((r) => r.reserve)).toEqual([(outcomes[0] as { id: string }).id]);
    expect(capRows(caps, reader.tallies(), Date.now(), reader.reservations())[0]).toMatchObject({ spent: 0, reserved: 1, left: 0, reached: true });
  });

  it("counts only the reservations ahead of its own: one appended after it counts it instead", () => {
    const path = ledgerPath();
    const [a, b] = [new SpendLedger(path), new SpendLedger(path)];
    const first = a.reserve({ provider: "claude" });
    const second = b.reserve({ provider: "claude" });
    expect(first.ahead).toEqual([]);
    expect(second.ahead.map((r) => r.reserve)).toEqual([first.id]);
    expect(new SpendLedger(path).reservations().map((r) => r.reserve)).toEqual([first.id, second.id]);
  });

  it("a turn's line replaces its reservation; a release frees it; a dead owner's is dropped", () => {
    const path = ledgerPath();
    const caps = { claude: { day_turns: 2 } };
    const ledger = new SpendLedger(path);
    const one = reserveTurn(ledger, caps, { provider: "claude" });
    const two = reserveTurn(ledger, caps, { provider: "claude" });
    expect(reserveTurn(ledger, caps, { provider: "claude" })).toEqual({ refused: expect.stringContaining("0 turns today and 2 under way") as unknown });
    // The first turn ended: its line replaces its reservation, the count stays two.
    ledger.append({ at: now(), provider: "claude", agent: "a" }, (one as { id: string }).id);
    expect(reserveTurn(ledger, caps, { provider: "claude" })).toEqual({ refused: expect.stringContaining("1 turn today and 1 under way") as unknown });
    // The second never ran: given back, there is room for one more.
    ledger.release((two as { id: string }).id);
    const three = reserveTurn(ledger, caps, { provider: "claude" });
    expect(three).toEqual({ id: expect.any(String) as unknown });
    expect(lines(path).find((l) => l.agent === "a")).toMatchObject({ reservation: (one as { id: string }).id });
    // A reservation whose owner is gone (this pid with another start: a process before it) holds nothing.
    const reader = new SpendLedger(path);
    appendFileSync(path, `${JSON.stringify({ reserve: "gone", at: now(), provider: "claude", owner: { pid: process.pid, start: "0" } })}\n`);
    expect(reader.reservations().map((r) => r.reserve)).toEqual([(three as { id: string }).id]);
  });

  it("a dollar cap counts a reservation at its expected cost; one of unknown cost holds only the turn caps", () => {
    const path = ledgerPath();
    const caps = { claude: { day_usd: 1, day_turns: 10 } };
    const ledger = new SpendLedger(path);
    expect(reserveTurn(ledger, caps, { provider: "claude", expectedUsd: 0.6 })).toEqual({ id: expect.any(String) as unknown });
    expect(reserveTurn(ledger, caps, { provider: "claude", expectedUsd: 0.6 })).toEqual({
      refused: expect.stringMatching(/day_usd 1\.00 reached: 0\.00 spent today and 0\.60 expected of turns under way .*expected 0\.60/) as unknown,
    });
    expect(reserveTurn(ledger, caps, { provider: "claude" })).toEqual({ id: expect.any(String) as unknown });
    const standings = capStandings(caps, ledger.tallies(), Date.now(), ledger.reservations());
    expect(standings.map((s) => [s.field, s.reserved])).toEqual([
      ["day_usd", 0.6],
      ["day_turns", 2],
    ]);
  });

  it("reserves nothing for a provider no cap covers", () => {
    const path = ledgerPath();
    expect(reserveTurn(new SpendLedger(path), { claude: { day_turns: 1 } }, { provider: "codex" })).toEqual({ id: undefined });
    expect(new SpendLedger(path).reservations()).toEqual([]);
  });
});

describe("lines that are not ours", () => {
  it("are counted as problems with their line and reason, never as spending", () => {
    const path = ledgerPath();
    const ledger = new SpendLedger(path);
    ledger.append({ at: now(), provider: "claude", cost_usd: 1 });
    const future = new Date(Date.now() + 3600_000).toISOString();
    appendFileSync(
      path,
      [
        "not json",
        JSON.stringify({ at: now(), model: "opus" }),
        JSON.stringify({ at: future, provider: "claude", cost_usd: 5 }),
        JSON.stringify({ at: now(), provider: "claude", cost_usd: -5 }),
        JSON.stringify({ at: "yesterday", provider: "claude" }),
        JSON.stringify({ reserve: "r", at: now(), provider: "claude" }),
        "",
      ].join("\n"),
    );
    const problems = ledger.problems();
    expect(problems.count).toBe(6);
    expect(problems.shown.map((p) => [p.file, p.line, p.reason])).toEqual([
      ["spend.jsonl", 2, "not JSON"],
      ["spend.jsonl", 3, "not a turn line: provider: Invalid input: expected string, received undefined"],
      ["spend.jsonl", 4, `dated ${future}, in the future`],
      ["spend.jsonl", 5, "not a turn line: cost_usd: a negative cost"],
      ["spend.jsonl", 6, 'not a time: "yesterday"'],
      ["spend.jsonl", 7, "not a reserve line: owner: Invalid input: expected object, received undefined"],
    ]);
    // Only the one turn of ours is counted.
    expect(capStandings({ claude: { day_usd: 10, day_turns: 10 } }, ledger.tallies(), Date.now(), ledger.reservations()).map((s) => s.spent)).toEqual([1, 1]);
  });
});
