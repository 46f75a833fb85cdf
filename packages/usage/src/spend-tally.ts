// What the spend ledger's turns add up to, kept as they are read in: per UTC day and provider/model,
// the turns, the dollars and the turns of unknown cost. A cap's standing is then a sum over a
// week's day buckets (a few dozen numbers), however many turns the ledger holds.
import type { LedgerEntry } from "./spend-ledger.js";

/** One day's turns of one provider and model. */
export interface TallyBucket {
  provider: string;
  model: string | undefined;
  turns: number;
  usd: number;
  unknownCostTurns: number;
}

const DAY_MS = 24 * 3600_000;
/** Days whose end is further back than this are dropped: no cap looks further back than a week. */
const KEEP_MS = 8 * DAY_MS;

/** Turns summed per UTC day × provider × model. */
export class SpendTally {
  // UTC day start (epoch ms) -> `provider` or `provider\u0000model` -> bucket.
  readonly #days = new Map<number, Map<string, TallyBucket>>();

  /** A tally of `entries`. */
  static of(entries: readonly LedgerEntry[]): SpendTally {
    const tally = new SpendTally();
    for (const e of entries) tally.add(e);
    return tally;
  }

  /** Counts one turn in its day's bucket. */
  add(e: Pick<LedgerEntry, "ms" | "provider" | "model" | "cost_usd">): void {
    const day = Math.floor(e.ms / DAY_MS) * DAY_MS;
    let buckets = this.#days.get(day);
    if (buckets === undefined) this.#days.set(day, (buckets = new Map<string, TallyBucket>()));
    const key = e.model === undefined ? e.provider : `${e.provider}\u0000${e.model}`;
    let bucket = buckets.get(key);
    if (bucket === undefined) buckets.set(key, (bucket = { provider: e.provider, model: e.model, turns: 0, usd: 0, unknownCostTurns: 0 }));
    bucket.turns++;
    if (e.cost_usd === undefined) bucket.unknownCostTurns++;
    else bucket.usd += e.cost_usd;
  }

  /** Drops the days that ended more than eight days before `now`. */
  prune(now: number): this {
    for (const day of this.#days.keys()) if (day + DAY_MS <= now - KEEP_MS) this.#days.delete(day);
    return this;
  }

  /** Each bucket of the days that begin at or after `since` (a later day too: a clock ahead). */
  *since(since: number): Generator<readonly [day: number, bucket: Readonly<TallyBucket>]> {
    for (const [day, buckets] of this.#days) if (day >= since) for (const bucket of buckets.values()) yield [day, bucket];
  }
}
