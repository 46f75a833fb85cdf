// The turns reserved against the spend caps and not yet ended or given back, as one reader of the
// ledger has read them, in the ledger's order (the order every reader agrees on: the kernel's order
// of the appends).
import { processAlive, selfRef, type ProcessRef } from "@subagent-mcp/state";
import type { Reservation } from "./ledger-lines.js";

let own: ProcessRef | undefined;

/** Live reservations by id, oldest first. */
export class LiveReservations {
  readonly #live = new Map<string, Reservation>();

  add(r: Reservation): void {
    this.#live.set(r.reserve, r);
  }

  /** Its turn line came, or it was given back. */
  end(id: string): void {
    this.#live.delete(id);
  }

  clear(): void {
    this.#live.clear();
  }

  /**
   * Those whose owner still runs, oldest first, up to (not including) `before` when given. A dead
   * owner's are dropped for good: its turns ended with it (a pid is never alive again with the same start).
   */
  alive(before?: string): Reservation[] {
    own ??= selfRef();
    const out: Reservation[] = [];
    for (const [id, r] of this.#live) {
      if (id === before) break;
      const mine = r.owner.pid === own.pid && r.owner.start === own.start;
      if (mine || processAlive(r.owner)) out.push(r);
      else this.#live.delete(id);
    }
    return out;
  }

  /** The reference reservations are made under: this process's. */
  static owner(): ProcessRef {
    return (own ??= selfRef());
  }
}
