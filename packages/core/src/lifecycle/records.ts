import type { AgentRecord } from "./agent.js";
import { DEFAULT_KEEP_ENDED, freeable } from "../admission/bounds.js";
import { CoreError } from "../errors.js";

/** The supervisor's agents by id, oldest first, with the records of ended agents bounded. */
export class AgentRecords {
  readonly #map = new Map<string, AgentRecord>();
  readonly #keepEnded: number;

  constructor(keepEnded: number | undefined) {
    this.#keepEnded = Math.max(1, keepEnded ?? DEFAULT_KEEP_ENDED);
  }

  /** One agent's record; AGENT_NOT_FOUND (which says why an old one may be gone) for an unknown id. */
  get(id: string): AgentRecord {
    const record = this.#map.get(id);
    if (record === undefined) {
      throw new CoreError(
        "AGENT_NOT_FOUND",
        `no agent with id "${id}"; list_agents shows the known ids (the records of ended agents beyond the newest ${this.#keepEnded} are freed)`,
      );
    }
    return record;
  }

  find(id: string): AgentRecord | undefined {
    return this.#map.get(id);
  }

  /** Adds a record as the newest, in place of an ended one with its id (a resume). */
  add(record: AgentRecord): void {
    this.#map.delete(record.id);
    this.#map.set(record.id, record);
  }

  values(): IterableIterator<AgentRecord> {
    return this.#map.values();
  }

  ids(): string[] {
    return [...this.#map.keys()];
  }

  /** Frees the records of ended agents beyond the newest `keepEnded`. */
  freeEnded(): void {
    for (const record of freeable(this.#map.values(), this.#keepEnded)) this.#map.delete(record.id);
  }
}

/** Refuses a follow-up an agent cannot take: its session has ended, or it stopped at its budget. */
export function assertSendable(record: AgentRecord): void {
  const { state, id } = record;
  if (!state.alive) {
    const cause = state.note ?? state.lastError?.message;
    const why = cause === undefined ? "" : ` (${cause})`;
    throw new CoreError("AGENT_NOT_ALIVE", `agent ${id} is ${state.status} and its session has ended${why}; launch a new agent to continue`);
  }
  if (state.status === "budget_exceeded") {
    throw new CoreError(
      "BUDGET_EXCEEDED",
      `agent ${id} stopped at its budget (${state.budgetNote ?? "a limit was reached"}): raise it (send_message with raise_budget) to go on`,
    );
  }
}
