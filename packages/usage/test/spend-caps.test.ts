import { appendFileSync, existsSync, mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capPeriods, capReached, capStandings, SpendLedger } from "../src/index.js";

const ledgerPath = (): string => join(mkdtempSync(join(tmpdir(), "spend-")), "state", "spend.jsonl");
// Thursday 2026-11-26, 17:00 UTC: its ISO week began on Monday 2026-11-23.
const NOW = Date.parse("2026-11-26T17:00:00.000Z");

describe("cap periods", () => {
  it("a UTC day and an ISO week from Monday 00:00 UTC", () => {
    const { day, week } = capPeriods(NOW);
    expect(new Date(day).toISOString()).toBe("2026-11-26T00:00:00.000Z");
    expect(new Date(week).toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(new Date(capPeriods(Date.parse("2026-11-29T23:59:59.000Z")).week).toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(new Date(capPeriods(Date.parse("2026-11-30T00:00:00.000Z")).week).toISOString()).toBe("2026-11-30T00:00:00.000Z");
  });
});

describe("SpendLedger", () => {
  it("sums what several writers appended, per provider and per model, by day and by week", () => {
    const path = ledgerPath();
    const a = new SpendLedger(path);
    const b = new SpendLedger(path);
    a.append({ at: "2026-11-26T09:00:00.000Z", provider: "claude", model: "sonnet", cost_usd: 2 });
    b.append({ at: "2026-11-26T10:00:00.000Z", provider: "claude", model: "opus", cost_usd: 3.12 });
    b.append({ at: "2026-11-24T10:00:00.000Z", provider: "claude", model: "opus", cost_usd: 4 });
    a.append({ at: "2026-11-20T10:00:00.000Z", provider: "claude", cost_usd: 100 }); // last week
    a.append({ at: "2026-11-26T11:00:00.000Z", provider: "codex", model: "gpt-5.5" }); // cost unknown
    const caps = { claude: { day_usd: 5, week_usd: 20, day_turns: 10 }, "claude/opus": { week_turns: 2 }, codex: { day_usd: 1, day_turns: 1 } };
    const standings = capStandings(caps, a.entries(NOW), NOW);
    const of = (key: string, field: string) => standings.find((s) => s.key === key && s.field === field);
    expect(of("claude", "day_usd")).toMatchObject({ cap: 5, left: 0 });
    expect(of("claude", "day_usd")?.spent).toBeCloseTo(5.12);
    expect(of("claude", "day_usd")?.resetsAt.toISOString()).toBe("2026-11-27T00:00:00.000Z");
    expect(of("claude", "week_usd")?.spent).toBeCloseTo(9.12);
    expect(of("claude", "week_usd")?.left).toBeCloseTo(10.88);
    expect(of("claude", "week_usd")?.resetsAt.toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(of("claude", "day_turns")).toMatchObject({ spent: 2, left: 8 });
    expect(of("claude/opus", "week_turns")).toMatchObject({ spent: 2, left: 0 });
    expect(of("codex", "day_usd")).toMatchObject({ spent: 0, unknownCostTurns: 1 });
    expect(of("codex", "day_turns")).toMatchObject({ spent: 1 });

    expect(capReached(standings, { provider: "claude", model: "sonnet" })).toMatch(/^spend cap claude day_usd 5\.00 reached: 5\.12 spent today/);
    expect(capReached(standings, { provider: "codex" })).toMatch(/^spend cap codex day_turns 1 reached: 1 turn today/);
    expect(capReached(standings, { provider: "gemini" })).toBeUndefined();
    // A dollar cap the turn's expected cost would pass.
    const roomy = capStandings({ claude: { day_usd: 5.5 } }, a.entries(NOW), NOW);
    expect(capReached(roomy, { provider: "claude" })).toBeUndefined();
    expect(capReached(roomy, { provider: "claude" }, 0.2)).toBeUndefined();
    expect(capReached(roomy, { provider: "claude" }, 0.5)).toMatch(/day_usd 5\.50 reached: 5\.12 spent today .*expected 0\.50/);
  });

  it("reads only what was appended since, waits for a line's end, and starts over after a truncation", () => {
    const path = ledgerPath();
    const ledger = new SpendLedger(path);
    expect(ledger.entries(NOW)).toHaveLength(0);
    ledger.append({ at: "2026-11-26T09:00:00.000Z", provider: "claude" });
    expect(ledger.entries(NOW)).toHaveLength(1);
    appendFileSync(path, '{"at":"2026-11-26T09:30:00.000Z","provi');
    expect(ledger.entries(NOW)).toHaveLength(1);
    appendFileSync(path, 'der":"codex"}\nnot json\n');
    expect(ledger.entries(NOW).map((e) => e.provider)).toEqual(["claude", "codex"]);
    truncateSync(path, 0);
    writeFileSync(path, '{"at":"2026-11-26T10:00:00.000Z","provider":"gemini"}\n');
    expect(ledger.entries(NOW).map((e) => e.provider)).toEqual(["gemini"]);
  });

  it("rotates past its size and still counts the rotated file's turns, reading each line once", () => {
    const path = ledgerPath();
    const writer = new SpendLedger(path, { rotateBytes: 200 });
    const reader = new SpendLedger(path);
    const turn = (i: number) => ({ at: `2026-11-26T09:00:${String(i).padStart(2, "0")}.000Z`, provider: "claude", cost_usd: 1 });
    for (let i = 0; i < 3; i++) writer.append(turn(i));
    expect(reader.entries(NOW)).toHaveLength(3);
    // The third line took the file past 200 bytes: it was renamed, and the next lines begin a new one.
    expect(existsSync(`${path}.1`)).toBe(true);
    for (let i = 3; i < 5; i++) writer.append(turn(i));
    const entries = reader.entries(NOW);
    expect(entries.map((e) => e.at.slice(17, 19)).sort()).toEqual(["00", "01", "02", "03", "04"]);
    expect(capStandings({ claude: { day_usd: 10 } }, entries, NOW)[0]).toMatchObject({ spent: 5, left: 5 });
  });
});
