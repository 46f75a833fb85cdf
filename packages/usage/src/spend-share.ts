// A fleet's spending shared between its machines (through its Redis, by the CLI): the caps of a
// server count its state folder's ledger plus the other machines' turns, never its own twice.
import { SpendEntrySchema, type LedgerEntry, type SpendEntry } from "./spend-ledger.js";
import { SpendTally } from "./spend-tally.js";

/**
 * The other machines' turns, when a fleet shares its spending: what a server or worker adds to it,
 * and what the others added, read so far (never this machine's own: its ledger has them).
 */
export interface SharedSpend {
  record(entry: SpendEntry): void;
  entries(now?: number): LedgerEntry[];
  /** What they add up to, kept as they are read in; without it, entries() is tallied at each look. */
  tally?(now?: number): SpendTally;
  /** Resolves once what was shared before this process started is read in (bounded: a Redis that is down holds nothing up). */
  ready(): Promise<void>;
}

/** One turn's JSON (another machine's entry of the fleet's stream) as an entry; undefined when it is not one. */
export function spendEntry(json: string): LedgerEntry | undefined {
  let parsed;
  try {
    parsed = SpendEntrySchema.safeParse(JSON.parse(json));
  } catch {
    return undefined;
  }
  const ms = parsed.success ? Date.parse(parsed.data.at) : NaN;
  return parsed.success && Number.isFinite(ms) ? { ...parsed.data, ms } : undefined;
}

/** This machine's ledger entries and the other machines' shared ones, together. */
export function withShared(local: readonly LedgerEntry[], shared: SharedSpend | undefined, now?: number): LedgerEntry[] {
  return shared === undefined ? [...local] : [...local, ...shared.entries(now)];
}

/** This machine's ledger's tallies and the other machines' tally, together: what a cap check sums. */
export function withSharedTally(local: readonly SpendTally[], shared: SharedSpend | undefined, now?: number): SpendTally[] {
  if (shared === undefined) return [...local];
  return [...local, shared.tally?.(now) ?? SpendTally.of(shared.entries(now))];
}
