// A turn under a spend cap is reserved before it starts, so that N launches at once (in one process
// or in many: every server and worker of the user) cannot all pass a cap that has room for one.
//
// Why a line in the ledger, and not a lock or a folder of files: the kernel puts every O_APPEND write
// to one file in one order that every reader sees, so "the reservations ahead of mine" is the same
// answer in every process, with nothing to wait for and nothing a dead holder leaves locked. A
// reservation counts the turns in the ledger and the live reservations ahead of it; those after it
// count it; so of N racing, only as many as the cap has room for pass, the first ones. It costs one
// write and the read of what was appended since the last look (no caps: nothing is written or read).
// Its turn's ledger line names it and replaces it; a turn that never runs gives it back with a
// release line; a dead owner's is dropped (state's processAlive). A refused one is given back at once,
// and until then those behind it count it: a racing launch may be refused for it, never let through.
import { capCovers, capReached, capStandings } from "./spend-caps.js";
import type { SpendCaps } from "./schema.js";
import type { ReserveAs, SpendLedger } from "./spend-ledger.js";
import { withSharedTally, type SharedSpend } from "./spend-share.js";

/** A turn reserved (`id`, undefined when no cap covers it), or the cap that holds it, named. */
type TurnReservation = { id: string | undefined } | { refused: string };

/**
 * Reserves a turn of `who` against `caps` in the ledger, or says which cap holds it (counting, on a
 * fleet, the other machines' turns too). Dollar caps count a reservation at `who.expectedUsd` when
 * known; without it only the turn caps hold it (its cost is counted once its line is in).
 */
export function reserveTurn(ledger: SpendLedger, caps: SpendCaps, who: ReserveAs, shared?: SharedSpend, now: number = Date.now()): TurnReservation {
  if (!Object.keys(caps).some((key) => capCovers(key, who))) return { id: undefined };
  const { id, ahead } = ledger.reserve(who, now);
  const standings = capStandings(caps, withSharedTally(ledger.tallies(now), shared, now), now, ahead);
  const refused = capReached(standings, who, who.expectedUsd);
  if (refused === undefined) return { id };
  ledger.release(id, now);
  return { refused };
}
