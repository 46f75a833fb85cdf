import type { AgentRecord, TurnReport } from "../lifecycle/agent.js";
import type { Clock } from "./clock.js";
import { isRunning, type PendingPermission } from "../lifecycle/state.js";

/** What to wait for: `any` returns at the first agent with news, `all` when every one has some. */
export interface WaitRequest {
  ids: string[];
  mode: "any" | "all";
  timeoutMs: number;
  /** Ends the wait early (e.g. the client cancelled); it resolves with what is known. */
  signal?: AbortSignal;
}

/** A permission request as `wait` reports it (each once). */
export interface PermissionReport extends PendingPermission {
  agentId: string;
}

/** The turns that finished and the permission requests made (each reported once), and the agents still running. */
export interface WaitResult {
  finished: TurnReport[];
  /** New permission requests: any one ends a wait early, in either mode, since its agent waits for an answer. */
  permissionRequests: PermissionReport[];
  stillRunning: string[];
  timedOut: boolean;
}

interface Pending {
  request: WaitRequest;
  settle: (timedOut: boolean) => void;
}

/**
 * Event-driven waits: the supervisor calls `notify` after every state change of an agent, and
 * each pending wait on that agent re-checks its own condition (a wait depends only on its own
 * agents: with one wait per agent, an event costs one check, not one per agent). Nothing polls;
 * the only timer is the deadline.
 */
export class Waiters {
  readonly #pending = new Set<Pending>();
  /** The pending waits by the agents they wait on. */
  readonly #byAgent = new Map<string, Set<Pending>>();

  constructor(
    private readonly clock: Clock,
    /** Undefined for a record freed meanwhile: it ended, so it counts as done with nothing to report. */
    private readonly lookup: (id: string) => AgentRecord | undefined,
  ) {}

  wait(request: WaitRequest): Promise<WaitResult> {
    if (this.#satisfied(request) || request.signal?.aborted === true) return Promise.resolve(this.#collect(request, false));
    return new Promise((resolve) => {
      const onAbort = (): void => {
        entry.settle(false);
      };
      const timer = this.clock.setTimeout(
        () => {
          entry.settle(true);
        },
        Math.max(0, request.timeoutMs),
      );
      const entry: Pending = {
        request,
        settle: (timedOut) => {
          if (!this.#pending.delete(entry)) return;
          this.#unindex(entry);
          this.clock.clearTimeout(timer);
          request.signal?.removeEventListener("abort", onAbort);
          resolve(this.#collect(request, timedOut));
        },
      };
      this.#pending.add(entry);
      for (const id of request.ids) {
        const entries = this.#byAgent.get(id) ?? new Set<Pending>();
        entries.add(entry);
        this.#byAgent.set(id, entries);
      }
      request.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Re-checks the pending waits on `agentId` (every pending wait without one); called by the supervisor after each change. */
  notify(agentId?: string): void {
    const entries = agentId === undefined ? this.#pending : this.#byAgent.get(agentId);
    if (entries === undefined) return;
    for (const entry of [...entries]) if (this.#satisfied(entry.request)) entry.settle(false);
  }

  #unindex(entry: Pending): void {
    for (const id of entry.request.ids) {
      const entries = this.#byAgent.get(id);
      entries?.delete(entry);
      if (entries?.size === 0) this.#byAgent.delete(id);
    }
  }

  #ready(id: string): boolean {
    const record = this.lookup(id);
    return record === undefined || record.unreported.length > 0 || !isRunning(record.state.status);
  }

  // A new permission request: its agent stands still until someone answers.
  #asking(id: string): boolean {
    return (this.lookup(id)?.unannounced.length ?? 0) > 0;
  }

  #satisfied(request: WaitRequest): boolean {
    if (request.ids.some((id) => this.#asking(id))) return true;
    return request.mode === "any" ? request.ids.some((id) => this.#ready(id)) : request.ids.every((id) => this.#ready(id));
  }

  // Hands out each unreported turn once, and names the agents whose turns are still under way.
  #collect(request: WaitRequest, timedOut: boolean): WaitResult {
    const finished: TurnReport[] = [];
    const permissionRequests: PermissionReport[] = [];
    const stillRunning: string[] = [];
    for (const id of new Set(request.ids)) {
      const record = this.lookup(id);
      if (record === undefined) continue;
      finished.push(...record.unreported.splice(0));
      const fresh = new Set(record.unannounced.splice(0));
      for (const p of record.state.permissions) if (fresh.has(p.request.requestId)) permissionRequests.push({ ...p, agentId: id });
      if (isRunning(record.state.status)) stillRunning.push(id);
    }
    return { finished, permissionRequests, stillRunning, timedOut };
  }
}
