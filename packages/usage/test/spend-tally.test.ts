import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capPeriods, capStandings, SpendLedger, SpendTally, withSharedTally, type LedgerEntry, type SharedSpend, type SpendEntry } from "../src/index.js";
import type { SpendCaps } from "../src/schema.js";

const DAY = 24 * 3600_000;
// Monday 2026-11-30 00:00 UTC: the ledger spans the week before, this one's first day and the day after.
const MONDAY = Date.parse("2026-11-30T00:00:00.000Z");

// The full scan the tally replaces: every entry of the week, for each cap.
function referenceSpent(key: string, entries: readonly LedgerEntry[], now: number): Record<string, number> {
  const { day, week } = capPeriods(now);
  const covers = (e: LedgerEntry): boolean => (key.includes("/") ? `${e.provider}/${e.model ?? ""}` === key && e.model !== undefined : e.provider === key);
  const s = { day_usd: 0, week_usd: 0, day_turns: 0, week_turns: 0, day_unknown: 0, week_unknown: 0 };
  for (const e of entries) {
    if (e.ms < week || !covers(e)) continue;
    const today = e.ms >= day;
    s.week_turns++;
    if (today) s.day_turns++;
    if (e.cost_usd === undefined) {
      s.week_unknown++;
      if (today) s.day_unknown++;
    } else {
      s.week_usd += e.cost_usd;
      if (today) s.day_usd += e.cost_usd;
    }
  }
  return s;
}

// A seeded generator, so that a failure can be replayed.
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

function randomEntries(n: number, rand: () => number): SpendEntry[] {
  const providers = ["claude", "codex", "gemini"];
  const models = [undefined, "sonnet", "opus", "gpt-5.5"];
  return Array.from({ length: n }, () => {
    const model = models[Math.floor(rand() * models.length)];
    const cost = rand() < 0.2 ? undefined : Math.round(rand() * 3e6) / 1e6;
    return {
      at: new Date(MONDAY - 9 * DAY + Math.floor(rand() * 11 * DAY)).toISOString(),
      provider: providers[Math.floor(rand() * providers.length)] as string,
      ...(model === undefined ? {} : { model }),
      ...(cost === undefined ? {} : { cost_usd: cost }),
    };
  });
}

const caps: SpendCaps = {
  claude: { day_usd: 50, week_usd: 200, day_turns: 100, week_turns: 500 },
  "claude/opus": { day_usd: 10, week_turns: 90 },
  codex: { week_usd: 100, day_turns: 5 },
  "gemini/gpt-5.5": { day_turns: 1, week_usd: 1 },
};

describe("SpendTally", () => {
  it("stands every cap where a full scan of the ledger and the fleet's entries does, across day and week boundaries", () => {
    const rand = random(42);
    const ledger = new SpendLedger(join(mkdtempSync(join(tmpdir(), "spend-tally-")), "spend.jsonl"));
    const local = randomEntries(600, rand);
    const others = randomEntries(400, rand).map((e) => ({ ...e, ms: Date.parse(e.at) }));
    const shared: SharedSpend = { record: () => undefined, entries: () => others, ready: () => Promise.resolve(), tally: () => SpendTally.of(others) };
    const nows = [MONDAY - DAY - 1, MONDAY - 1, MONDAY, MONDAY + 12 * 3600_000, MONDAY + DAY + 5];
    const last = nows[nows.length - 1] as number;
    const reader = new SpendLedger(ledger.path);
    // Appended in two halves, the second read in incrementally by the same reader.
    for (const [i, e] of local.entries()) {
      ledger.append(e);
      if (i === 300) reader.tallies(last);
    }
    for (const now of nows) {
      // A line dated past the reader's clock (five minutes' slack) is no line of ours: not counted, a problem.
      const written = local.map((e) => ({ ...e, ms: Date.parse(e.at) }));
      const all = [...written.filter((e) => e.ms <= now + 5 * 60_000), ...others];
      const at = now === last ? reader : new SpendLedger(ledger.path);
      const standings = capStandings(caps, withSharedTally(at.tallies(now), shared, now), now);
      expect(at.problems(now).count).toBe(written.length - (all.length - others.length));
      expect(standings).toHaveLength(10);
      for (const s of standings) {
        const ref = referenceSpent(s.key, all, now);
        const daily = s.field.startsWith("day") ? "day" : "week";
        expect(s.spent, `${s.key} ${s.field} at ${new Date(now).toISOString()}`).toBeCloseTo(ref[s.field] ?? NaN, 9);
        expect(s.unknownCostTurns).toBe(s.field.endsWith("usd") ? ref[`${daily}_unknown`] : 0);
      }
      // The same standings from the entries themselves (what `usage --caps` and `route` pass).
      expect(capStandings(caps, all, now).map((s) => s.spent)).toEqual(standings.map((s) => expect.closeTo(s.spent, 9) as unknown));
    }
  });

  it("drops the days that ended more than eight days ago", () => {
    const tally = SpendTally.of([
      { ms: MONDAY - 9 * DAY, provider: "claude", at: "", cost_usd: 1 },
      { ms: MONDAY, provider: "claude", at: "" },
    ]);
    expect([...tally.prune(MONDAY + 12 * 3600_000).since(0)]).toHaveLength(1);
  });
});
