import type { AgentRecord } from "../lifecycle/agent.js";
import type { Clock } from "../supervisor/clock.js";
import type { AgentState } from "../lifecycle/state.js";

/** How long a permission request waits for an answer when no timeout is configured. */
export const DEFAULT_PERMISSION_TIMEOUT_MS = 300_000;

/**
 * One deadline per pending permission request, so that an unanswered request never holds its agent
 * forever: set when the request appears in an agent's state, cleared when it leaves it.
 */
export class PermissionTimers {
  readonly #timers = new Map<string, unknown>();

  constructor(
    private readonly clock: Clock,
    readonly timeoutMs: number,
    private readonly expire: (record: AgentRecord, requestId: string) => void,
  ) {}

  /** Follows one state change of `record`: new requests get a deadline, gone ones lose theirs. */
  sync(record: AgentRecord, before: AgentState, after: AgentState): void {
    if (before.permissions === after.permissions) return;
    const now = new Set(after.permissions.map((p) => p.request.requestId));
    for (const p of before.permissions) {
      const key = keyOf(record, p.request.requestId);
      if (!now.has(p.request.requestId)) {
        this.clock.clearTimeout(this.#timers.get(key));
        this.#timers.delete(key);
      }
    }
    for (const id of now) {
      const key = keyOf(record, id);
      if (this.#timers.has(key)) continue;
      const handle = this.clock.setTimeout(() => {
        this.#timers.delete(key);
        this.expire(record, id);
      }, this.timeoutMs);
      this.#timers.set(key, handle);
    }
  }
}

function keyOf(record: AgentRecord, requestId: string): string {
  return `${record.id}\u0000${requestId}`;
}
