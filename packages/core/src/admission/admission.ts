import type { AgentRecord } from "../lifecycle/agent.js";
import { DEFAULT_MAX_QUEUED, idlest, liveBound, liveCount } from "./bounds.js";
import { CoreError } from "../errors.js";
import { SlotQueue } from "./slot-queue.js";
import type { AgentAction } from "../lifecycle/state.js";
import type { Provider } from "@subagent-mcp/contract";

/** Processing agents per provider when no cap is configured. */
export const DEFAULT_CAP = 5;

/** What admission reads from the supervisor and how it acts on an agent. */
export interface AdmissionHost {
  records(): Iterable<AgentRecord>;
  caps: Partial<Record<Provider, number>> | undefined;
  maxLive: number | undefined;
  maxQueued: number | undefined;
  now(): number;
  apply(record: AgentRecord, action: AgentAction): void;
  start(record: AgentRecord): void;
  /** Closes an idle agent's process but keeps its session (see Supervisor.hibernate); false when it can't. */
  hibernate(record: AgentRecord): boolean;
}

/**
 * Who runs now and who waits, per provider: at most `cap` processing agents (further launches
 * queue FIFO) and at most the live bound of CLI processes (the idlest agent is closed for room).
 */
export class Admission {
  readonly #host: AdmissionHost;
  readonly #queue = new SlotQueue<AgentRecord>((r) => r.request.provider);
  // Providers whose room is being handed out: a drain that a nested state change triggers must
  // not give it to a queued launch meanwhile.
  readonly #held = new Set<Provider>();

  constructor(host: AdmissionHost) {
    this.#host = host;
  }

  /** Whether a launch must wait for a slot (it also waits behind earlier ones); QUEUE_FULL past the bound. */
  mustQueue(provider: Provider): boolean {
    if (!this.#queue.mustWait(provider, () => this.fits(provider))) return false;
    const waiting = this.#queue.waiting(provider);
    if (waiting >= (this.#host.maxQueued ?? DEFAULT_MAX_QUEUED)) {
      throw new CoreError(
        "QUEUE_FULL",
        `${waiting} ${provider} launches are already waiting for a slot, the most allowed; wait for running agents to finish (or kill some) and launch again`,
      );
    }
    return true;
  }

  /** Queues `record` last, or makes room and starts it now. */
  place(record: AgentRecord, queued: boolean): void {
    if (queued) this.#queue.push(record);
    else {
      this.makeRoom(record);
      this.#host.start(record);
    }
  }

  /** Runs `fn` holding `provider`'s room (see #held), then admits what fits. */
  reserve(provider: Provider, fn: () => void): void {
    const outer = this.#hold(provider, fn);
    if (outer) this.drain(provider);
  }

  /** Takes a queued launch out of its queue (a no-op for others). */
  dequeue(record: AgentRecord): void {
    this.#queue.remove(record);
  }

  /** 1-based place in its provider's queue, while queued. */
  position(record: AgentRecord): number | undefined {
    return this.#queue.position(record);
  }

  /** A processing slot is free, and a live process too or one can be made free. */
  fits(provider: Provider): boolean {
    let processing = 0;
    for (const r of this.#host.records())
      if (r.request.provider === provider && r.request.placement === undefined && r.state.status === "processing") processing += 1;
    if (processing >= this.#cap(provider)) return false;
    return liveCount(this.#host.records(), provider) < this.#liveBound(provider) || idlest(this.#host.records(), provider) !== undefined;
  }

  /** Starts queued launches, FIFO, while they fit: after a slot or a process was freed. */
  drain(provider: Provider): void {
    // Starting one can change state and call back here: the loop re-checks after each start.
    if (this.#held.has(provider)) return;
    this.#hold(provider, () => {
      for (let next = this.#queue.first(provider); next !== undefined && this.fits(provider); next = this.#queue.first(provider)) {
        this.#queue.remove(next);
        this.makeRoom(next);
        this.#host.apply(next, { type: "admitted", at: this.#host.now() });
        this.#host.start(next);
      }
    });
  }

  /**
   * Before `record` starts a process: at the bound, the least recently active idle agent is
   * hibernated (its next message resumes it), or, with no session to resume, closed politely: its
   * results stay readable and a note says why it ended.
   */
  makeRoom(record: AgentRecord): void {
    const { provider, pinned, placement } = record.request;
    if (pinned === true || placement !== undefined) return;
    const bound = this.#liveBound(provider);
    this.#hold(provider, () => {
      const records = () => this.#host.records();
      for (let victim = idlest(records(), provider); victim !== undefined && liveCount(records(), provider) >= bound; victim = idlest(records(), provider)) {
        if (this.#host.hibernate(victim)) continue;
        const note = `closed to keep at most ${bound} live ${provider} processes (max_live); its results stay readable`;
        this.#host.apply(victim, { type: "closed", at: this.#host.now(), note });
        void victim.session?.close().catch(() => undefined); // a failed close is logged by the driver
      }
    });
  }

  // Runs `fn` with `provider` held; true when this was the outermost hold.
  #hold(provider: Provider, fn: () => void): boolean {
    if (this.#held.has(provider)) {
      fn();
      return false;
    }
    this.#held.add(provider);
    try {
      fn();
    } finally {
      this.#held.delete(provider);
    }
    return true;
  }

  #cap(provider: Provider): number {
    return this.#host.caps?.[provider] ?? DEFAULT_CAP;
  }

  #liveBound(provider: Provider): number {
    return liveBound(this.#cap(provider), this.#host.maxLive);
  }
}
