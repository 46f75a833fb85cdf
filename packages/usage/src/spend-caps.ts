// Where each cap of the config's `spend_caps` stands against the spend ledger: a day is a UTC
// calendar day, a week an ISO week (from Monday 00:00 UTC). A cap keyed by a provider counts all
// its models' turns; one keyed by `provider/model` only that model's.
import type { SpendCap, SpendCaps } from "./schema.js";
import type { LedgerEntry, Reservation } from "./ledger-lines.js";
import { SpendTally } from "./spend-tally.js";

/** One limit of one cap. */
export type CapField = keyof SpendCap;
const FIELDS: readonly CapField[] = ["day_usd", "week_usd", "day_turns", "week_turns"];
const DAY_MS = 24 * 3600_000;

/** Where one limit stands now. */
export interface CapStanding {
  /** The `spend_caps` key: a provider or `provider/model`. */
  key: string;
  field: CapField;
  cap: number;
  spent: number;
  /** Held by turns under way (reserved, not yet in the ledger): a turn each, or their expected dollars when known. */
  reserved: number;
  left: number;
  /** When its period ends (the next UTC midnight, or the next Monday's). */
  resetsAt: Date;
  /** Turns of the period whose cost is unknown (not counted in dollars). */
  unknownCostTurns: number;
}

/** Start of `now`'s UTC day and of its ISO week (Monday), epoch ms. */
export function capPeriods(now: number): { day: number; week: number } {
  const day = Math.floor(now / DAY_MS) * DAY_MS;
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return { day, week: day - weekday * DAY_MS };
}

/** Whether a ledger entry or a launch candidate falls under the cap keyed `key`. */
export function capCovers(key: string, who: { provider: string; model?: string | undefined }): boolean {
  const slash = key.indexOf("/");
  if (slash < 0) return key === who.provider;
  return key.slice(0, slash) === who.provider && key.slice(slash + 1) === who.model;
}

/**
 * What the caps are summed over: entries (tallied once here), or the tallies their readers keep
 * (a ledger's, the fleet's other machines'), each summed over a week of day buckets.
 */
export type Spending = readonly LedgerEntry[] | readonly SpendTally[];

function tallies(spend: Spending): readonly SpendTally[] {
  const first = spend[0];
  return first === undefined || first instanceof SpendTally ? (spend as readonly SpendTally[]) : [SpendTally.of(spend as readonly LedgerEntry[])];
}

/** What a reservation holds of a cap: its turn, and its expected cost when known. */
export type UnderWay = Pick<Reservation, "provider" | "model" | "expected_usd">;

/** Every limit of every cap, with what was spent in its period and what the turns under way (`reserved`) hold of it. */
export function capStandings(caps: SpendCaps, spend: Spending, now: number = Date.now(), reserved: readonly UnderWay[] = []): CapStanding[] {
  const { day, week } = capPeriods(now);
  const summed = tallies(spend);
  const out: CapStanding[] = [];
  for (const [key, cap] of Object.entries(caps)) {
    // A turn under way ends in this period: it counts in the day's and the week's.
    const held = reserved.filter((r) => capCovers(key, r));
    const heldUsd = held.reduce((n, r) => n + (r.expected_usd ?? 0), 0);
    let dayUsd = 0;
    let weekUsd = 0;
    let dayTurns = 0;
    let weekTurns = 0;
    let dayUnknown = 0;
    let weekUnknown = 0;
    for (const tally of summed)
      for (const [start, b] of tally.since(week)) {
        if (!capCovers(key, b)) continue;
        const today = start >= day;
        weekTurns += b.turns;
        weekUsd += b.usd;
        weekUnknown += b.unknownCostTurns;
        if (!today) continue;
        dayTurns += b.turns;
        dayUsd += b.usd;
        dayUnknown += b.unknownCostTurns;
      }
    const spent: Record<CapField, number> = { day_usd: dayUsd, week_usd: weekUsd, day_turns: dayTurns, week_turns: weekTurns };
    for (const field of FIELDS) {
      const limit = cap[field];
      if (limit === undefined) continue;
      const daily = field.startsWith("day");
      const holds = field.endsWith("usd") ? heldUsd : held.length;
      out.push({
        key,
        field,
        cap: limit,
        spent: spent[field],
        reserved: holds,
        left: Math.max(0, limit - spent[field] - holds),
        resetsAt: new Date((daily ? day : week) + (daily ? DAY_MS : 7 * DAY_MS)),
        unknownCostTurns: field.endsWith("usd") ? (daily ? dayUnknown : weekUnknown) : 0,
      });
    }
  }
  return out;
}

/**
 * The first cap a launch of `who` cannot run under, as a sentence naming it; undefined when every
 * cap over it has room. A turn cap is reached once spent and reserved; a dollar cap too, or when the
 * expected cost of the turn (when known) would pass it.
 */
export function capReached(standings: readonly CapStanding[], who: { provider: string; model?: string | undefined }, expectedUsd?: number): string | undefined {
  for (const s of standings) {
    if (!capCovers(s.key, who)) continue;
    if (s.spent + s.reserved >= s.cap) return capText(s);
    if (s.field.endsWith("usd") && expectedUsd !== undefined && s.spent + s.reserved + expectedUsd > s.cap)
      return `${capText(s)} with the turn's expected ${amount(s, expectedUsd)}`;
  }
  return undefined;
}

/** "spend cap claude day_usd 5.00 reached: 5.12 spent today (resets 2026-11-27T00:00:00.000Z)"; turns under way are said after. */
export function capText(s: CapStanding): string {
  const when = s.field.startsWith("day") ? "today" : "this week";
  const turns = s.field.endsWith("turns");
  const spent = turns ? `${s.spent} turn${s.spent === 1 ? "" : "s"} ${when}` : `${amount(s, s.spent)} spent ${when}`;
  const held = s.reserved === 0 ? "" : turns ? ` and ${s.reserved} under way` : ` and ${amount(s, s.reserved)} expected of turns under way`;
  return `spend cap ${s.key} ${s.field} ${amount(s, s.cap)} reached: ${spent}${held} (resets ${s.resetsAt.toISOString()})`;
}

function amount(s: CapStanding, n: number): string {
  return s.field.endsWith("usd") ? n.toFixed(2) : String(n);
}
