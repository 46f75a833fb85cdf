import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capReached, capStandings, spendEntry, SpendLedger, withShared, type LedgerEntry, type SharedSpend, type SpendEntry } from "../src/index.js";

const NOW = Date.parse("2026-11-26T17:00:00.000Z");

// Another machine's view of a fleet's stream: what the others added, never what this machine recorded.
function sharedWith(others: SpendEntry[]): SharedSpend & { recorded: SpendEntry[] } {
  const recorded: SpendEntry[] = [];
  return {
    recorded,
    record: (entry) => recorded.push(entry),
    entries: () => others.flatMap((e) => spendEntry(JSON.stringify(e)) ?? []),
    ready: () => Promise.resolve(),
  };
}

describe("spend shared by a fleet's machines", () => {
  it("counts this machine's ledger and the other machines' turns, each once", () => {
    const ledger = new SpendLedger(join(mkdtempSync(join(tmpdir(), "spend-")), "spend.jsonl"));
    const mine: SpendEntry = { at: "2026-11-26T09:00:00.000Z", provider: "claude", cost_usd: 1 };
    ledger.append(mine);
    const shared = sharedWith([{ at: "2026-11-26T10:00:00.000Z", provider: "claude", cost_usd: 2 }]);
    // What this machine records goes to its ledger and to the fleet; it comes back only in the ledger.
    shared.record(mine);
    const entries = withShared(ledger.entries(NOW), shared, NOW);
    expect(entries.map((e: LedgerEntry) => e.cost_usd)).toEqual([1, 2]);
    const standings = capStandings({ claude: { day_usd: 3, day_turns: 3 } }, entries, NOW);
    expect(standings.map((s) => [s.field, s.spent])).toEqual([
      ["day_usd", 3],
      ["day_turns", 2],
    ]);
    expect(capReached(standings, { provider: "claude" })).toContain("spend cap claude day_usd 3.00 reached");
    expect(withShared(ledger.entries(NOW), undefined, NOW)).toHaveLength(1);
  });

  it("takes only well-formed entries from the stream", () => {
    expect(spendEntry("not json")).toBeUndefined();
    expect(spendEntry(JSON.stringify({ at: "yesterday", provider: "claude" }))).toBeUndefined();
    expect(spendEntry(JSON.stringify({ at: "2026-11-26T10:00:00.000Z", provider: "claude", cost_usd: -1 }))).toBeUndefined();
    expect(spendEntry(JSON.stringify({ at: "2026-11-26T10:00:00.000Z", provider: "claude" }))?.ms).toBe(Date.parse("2026-11-26T10:00:00.000Z"));
  });
});
