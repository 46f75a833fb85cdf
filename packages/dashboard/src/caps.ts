// The spend caps the page shows: the config's `spend_caps` against the state folder's spend ledger
// (every server and worker of the user, the turns under way with them) and, on a fleet, the other
// machines' turns, in the same rows as `usage --caps`; and the ledger's lines it does not count.
import type { CapView } from "@subagent-mcp/contract";
import { stateLayout } from "@subagent-mcp/state";
import { capRows, problemText, SpendLedger, withSharedTally, type SharedSpend } from "@subagent-mcp/usage";
import type { SpendCaps } from "@subagent-mcp/usage/schema";

/** Where the caps stand, the ledger read incrementally (only what was appended since the last look). */
export class CapsSource {
  readonly #ledger: SpendLedger;

  constructor(
    stateDir: string,
    private readonly caps: SpendCaps,
    /** On a fleet, the other machines' turns (through its Redis). */
    private readonly shared?: SharedSpend,
  ) {
    this.#ledger = new SpendLedger(stateLayout(stateDir).spend);
  }

  /** Every limit of every cap now; throws (StateError NOT_PRIVATE) when another user can write the ledger. */
  now(at: number = Date.now()): CapView[] {
    return capRows(this.caps, withSharedTally(this.#ledger.tallies(at), this.shared, at), at, this.#ledger.reservations(at));
  }

  /** The ledger's lines not counted (not ours, or cut), as `usage --caps` says them; a count past the ones shown. */
  problems(at: number = Date.now()): string[] {
    const { count, shown } = this.#ledger.problems(at);
    const lines = shown.map(problemText);
    return count > shown.length ? [...lines, `... and ${count - shown.length} more`] : lines;
  }
}
