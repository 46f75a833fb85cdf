import type { AgentRecord } from "../lifecycle/agent.js";
import type { AgentEvent } from "../driver/events.js";
import type { TurnOutcome } from "../lifecycle/state.js";
import type { TurnWitness } from "./witness.js";

// How the supervisor shows a turn to its witness (see witness.ts): every event is seen as it comes,
// and a turn_end waits for its receipt before the reducer takes it. What the session says meanwhile
// (the next queued turn's first events, its exit) waits behind it in order, so nothing overtakes
// the turn it follows. The wait is the witness's to bound (a receipt never fails or hangs a turn).

type TurnEnd = Extract<AgentEvent, { type: "turn_end" }>;

/** Takes one event of `record`'s session through the witness, then `take` (the supervisor's own intake). */
export function witnessEvent(witness: TurnWitness | undefined, record: AgentRecord, event: AgentEvent, take: (event: AgentEvent) => void): void {
  if (witness === undefined) {
    take(event);
    return;
  }
  if (record.held !== undefined) {
    record.held.push(event);
    return;
  }
  if (event.type !== "turn_end") {
    witness.see(record.id, event);
    take(event);
    return;
  }
  const held: AgentEvent[] = [];
  record.held = held;
  const close = { outcome: outcomeOf(event), ...budgetOf(record), ...(event.files === undefined ? {} : { files: event.files }) };
  void witness
    .end(record.id, close)
    .catch(() => undefined)
    .then((receipt) => {
      delete record.held;
      take(receipt === undefined ? event : { ...event, receipt });
      release(witness, record, held, take);
    });
}

// The events held behind a turn's end, in order; another turn_end among them holds the rest again.
function release(witness: TurnWitness, record: AgentRecord, held: AgentEvent[], take: (event: AgentEvent) => void): void {
  for (let i = 0; i < held.length; i += 1) {
    if (record.held !== undefined) {
      record.held.push(...held.slice(i));
      return;
    }
    witnessEvent(witness, record, held[i] as AgentEvent, take);
  }
}

/** A turn lost without a turn_end (killed, exited): its outcome with a receipt of what was counted. */
export function lostWithReceipt(witness: TurnWitness | undefined, record: AgentRecord, outcome: TurnOutcome): TurnOutcome {
  if (witness === undefined) return outcome;
  const lost = record.state.stopRequested || record.state.status === "stopped" ? "killed" : "exited";
  return { ...outcome, receipt: witness.endNow(record.id, { outcome, lost, ...budgetOf(record) }) };
}

function outcomeOf(event: TurnEnd): TurnOutcome & { stop?: TurnEnd["stop"] } {
  return {
    result: event.result,
    isError: event.isError,
    interrupted: event.interrupted ?? false,
    usage: event.usage,
    costUsd: event.costUsd,
    durationMs: event.durationMs,
    ...(event.stop === undefined ? {} : { stop: event.stop }),
  };
}

// The budget that stopped the running turn, when one did (read before the turn's end is taken in).
function budgetOf(record: AgentRecord): { budget?: string } {
  const note = record.spending.stoppedBy;
  return note === undefined ? {} : { budget: note };
}
