import type { TurnReport } from "../lifecycle/agent.js";
import { systemClock, type Clock } from "../supervisor/clock.js";
import { CoreError } from "../errors.js";
import type { Supervisor } from "../supervisor/supervisor.js";
import { poolLabel } from "./pool-identity.js";
import type { Entry, InvokeResult, InvokeRunning, PoolAgentSpec, PoolOptions, Replica, ReplicaView, Task } from "./pool-spec.js";
import { errorMessage } from "@subagent-mcp/errors";
import { definedFields } from "@subagent-mcp/contract/fields";

/**
 * Named, warm agents built on the supervisor. Tasks to one agent queue FIFO across its replicas;
 * each result is matched to the turn its task started, so a caller never gets another task's
 * result; between tasks the replica's context is reset, and replicas are recycled by turn count
 * or memory without failing queued tasks.
 */
export class Pool {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(
    private readonly supervisor: Supervisor,
    private readonly options: PoolOptions = {},
  ) {
    this.#clock = options.clock ?? systemClock;
    this.#unsubscribe = supervisor.onTurn((report) => {
      this.#onTurn(report);
    });
  }

  /** Adds or replaces a pool agent; replacing one with a different spec resets it. */
  define(spec: PoolAgentSpec): void {
    const existing = this.#entries.get(spec.name);
    if (existing !== undefined && JSON.stringify(existing.spec) === JSON.stringify(spec)) return;
    if (existing !== undefined) void this.reset(spec.name);
    this.#entries.set(spec.name, { spec, replicas: [], queue: existing?.queue ?? [], spare: undefined });
  }

  /** Names of the defined agents. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /**
   * Runs `task` on a free replica of `name` (FIFO); resolves with its result or, at the deadline,
   * "running". `started` learns which agent took it and which of its turns answers it.
   */
  invoke(name: string, task: string, timeoutMs: number, started?: (agentId: string, turn: number) => void): Promise<InvokeResult | InvokeRunning> {
    const entry = this.#entry(name);
    return new Promise((resolve, reject) => {
      const deadline: { timer?: unknown } = {};
      const t: Task = {
        text: task,
        detached: false,
        ...definedFields({ started }),
        settle: (outcome) => {
          this.#clock.clearTimeout(deadline.timer);
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        },
      };
      deadline.timer = this.#clock.setTimeout(() => {
        const replica = entry.replicas.find((r) => r.running?.task === t);
        if (replica?.agentId === undefined) {
          // Never started: take it out of the queue, so nothing runs that nobody will collect.
          entry.queue.splice(entry.queue.indexOf(t), 1);
          reject(
            new CoreError(
              "POOL_BUSY",
              `every replica of "${name}" stayed busy until the deadline; the task was not started: invoke again, or warmup more replicas`,
            ),
          );
          return;
        }
        t.detached = true;
        resolve({ status: "running", replica: replica.index, agentId: replica.agentId });
      }, timeoutMs);
      entry.queue.push(t);
      this.#dispatch(entry);
    });
  }

  /**
   * Hands the caller of the task running on `agentId` its "running" answer now (e.g. the task waits
   * for a permission answer); the task goes on and `wait` reports it. False when no caller waits.
   */
  detach(agentId: string): boolean {
    for (const entry of this.#entries.values()) {
      const replica = entry.replicas.find((r) => r.agentId === agentId);
      const task = replica?.running?.task;
      if (replica === undefined || task === undefined || task.detached) continue;
      task.detached = true;
      task.settle({ status: "running", replica: replica.index, agentId });
      return true;
    }
    return false;
  }

  /** Starts replicas (up to `replicas`, default the agent's own count) so the next tasks find them warm. */
  warmup(name: string, replicas?: number): ReplicaView[] {
    const entry = this.#entry(name);
    const want = Math.max(1, replicas ?? entry.spec.replicas);
    while (entry.replicas.length < want) entry.replicas.push(this.#newReplica(entry, entry.replicas.length));
    if (entry.spec.resetStrategy === "respawn") this.#prepareSpare(entry);
    return this.list(name);
  }

  /** Every replica of `name` (or of all agents). */
  list(name?: string): (ReplicaView & { agent: string })[] {
    const entries = name === undefined ? [...this.#entries.values()] : [this.#entry(name)];
    return entries.flatMap((entry) =>
      entry.replicas.map((r) => {
        const view = r.agentId === undefined ? undefined : this.supervisor.get(r.agentId);
        const pid = view?.alive === true ? view.pid : undefined;
        return {
          agent: entry.spec.name,
          replica: r.index,
          agentId: r.agentId,
          pid,
          status: view?.status,
          busy: r.busy,
          turnsServed: r.turnsServed,
          rssMb: pid === undefined ? undefined : this.options.memoryMb?.(pid),
          ...(view?.machine === undefined ? {} : { machine: view.machine }),
        };
      }),
    );
  }

  /** Ends the agent's processes so the next invoke starts fresh; a running task fails with a clear error. */
  async reset(name: string): Promise<void> {
    const entry = this.#entry(name);
    const replicas = entry.replicas.splice(0);
    const spare = entry.spare;
    entry.spare = undefined;
    for (const r of replicas) {
      if (r.running !== undefined && !r.running.task.detached) {
        r.running.task.settle(new CoreError("AGENT_NOT_ALIVE", `pool agent "${name}" was reset while this task was running; invoke it again`));
      }
      if (r.running !== undefined) this.#clock.clearTimeout(r.running.timer);
      r.running = undefined;
    }
    await Promise.all([...replicas.map((r) => r.agentId), spare].filter((id) => id !== undefined).map((id) => this.supervisor.kill(id)));
    this.#dispatch(entry);
  }

  /** Stops listening to the supervisor and starts no more processes. */
  close(): void {
    this.#closed = true;
    this.#unsubscribe();
  }

  #entry(name: string): Entry {
    const entry = this.#entries.get(name);
    if (entry === undefined) {
      const known = [...this.#entries.keys()].join(", ") || "none";
      throw new CoreError("AGENT_NOT_FOUND", `no pool agent named "${name}" (defined: ${known})`);
    }
    return entry;
  }

  #newReplica(entry: Entry, index: number): Replica {
    return { index, agentId: this.#launchIdle(entry, index), busy: false, turnsServed: 0, running: undefined };
  }

  #launchIdle(entry: Entry, index: number | "spare"): string {
    // Pinned: the definition's replica count bounds these, so max_live neither counts nor closes them.
    return this.supervisor.launch({ ...entry.spec.launch, label: poolLabel({ pool: entry.spec.name, replica: index }), pinned: true }).id;
  }

  #prepareSpare(entry: Entry): void {
    if (entry.spare === undefined) entry.spare = this.#launchIdle(entry, "spare");
  }

  #dispatch(entry: Entry): void {
    while (entry.queue.length > 0) {
      let replica = entry.replicas.find((r) => !r.busy);
      if (replica === undefined && entry.replicas.length < entry.spec.replicas) {
        replica = this.#newReplica(entry, entry.replicas.length);
        entry.replicas.push(replica);
      }
      if (replica === undefined) return;
      this.#run(entry, replica, entry.queue.shift() as Task);
    }
  }

  #run(entry: Entry, replica: Replica, task: Task): void {
    replica.busy = true;
    const agentId = replica.agentId as string;
    const turn = this.supervisor.get(agentId).turns + 1;
    const timer = this.#clock.setTimeout(
      () => {
        void this.supervisor.interrupt(agentId).catch(() => undefined);
      },
      this.options.taskTimeoutMs ?? 10 * 60_000,
    );
    replica.running = { task, turn, timer };
    task.started?.(agentId, turn);
    try {
      // A definition's budget is each task's own.
      this.supervisor.newBudgetPeriod(agentId);
      this.supervisor.send(agentId, task.text);
    } catch (error) {
      replica.running = undefined;
      this.#clock.clearTimeout(timer);
      task.settle(error instanceof Error ? error : new Error(String(error)));
      void this.#replace(entry, replica);
    }
  }

  // A turn report for one of our replicas: its task's answer, matched by agent and turn number.
  #onTurn(report: TurnReport): void {
    for (const entry of this.#entries.values()) {
      const replica = entry.replicas.find((r) => r.agentId === report.agentId);
      const running = replica?.running;
      if (replica === undefined || running === undefined || running.turn !== report.turn) continue;
      this.#clock.clearTimeout(running.timer);
      replica.running = undefined;
      replica.turnsServed += 1;
      const task = running.task;
      // Taken now, so that no `wait` reports it while the work is being settled.
      if (!task.detached) this.supervisor.takeReport(report.agentId, report.turn);
      const deliver = (work: Record<string, unknown> | undefined) => {
        if (task.detached) return;
        task.settle({
          status: "done",
          result: report.result,
          isError: report.isError,
          usage: report.usage,
          costUsd: report.costUsd,
          durationMs: report.durationMs,
          replica: replica.index,
          agentId: report.agentId,
          ...definedFields({ work, receipt: report.receipt }),
        });
      };
      const retire = (error: unknown) => {
        // A replica that can't be reset or replaced leaves the pool; queued tasks fail with the reason.
        entry.replicas.splice(entry.replicas.indexOf(replica), 1);
        for (const t of entry.queue.splice(0)) t.settle(error instanceof Error ? error : new Error(String(error)));
      };
      const settle = entry.spec.settle;
      if (settle === undefined) {
        deliver(undefined);
        this.#afterTask(entry, replica).catch(retire);
        return;
      }
      settle(report.agentId, task.text)
        .then(
          (work) => {
            deliver(work);
            return this.#afterTask(entry, replica);
          },
          (error: unknown) => {
            // The work stays where it is: a fresh process (and workspace) takes the replica's place.
            deliver({ error: errorMessage(error) });
            return this.#replace(entry, replica);
          },
        )
        .catch(retire);
      return;
    }
  }

  // Between tasks: recycle (turn count, memory, or a dead process) or reset the context.
  async #afterTask(entry: Entry, replica: Replica): Promise<void> {
    const agentId = replica.agentId as string;
    const view = this.supervisor.get(agentId);
    const rss = view.pid === undefined ? undefined : this.options.memoryMb?.(view.pid);
    const overMemory = rss !== undefined && this.options.rssCeilingMb !== undefined && rss > this.options.rssCeilingMb;
    const recycle = !view.alive || overMemory || replica.turnsServed >= entry.spec.maxTurnsPerProcess || entry.spec.resetStrategy === "respawn";
    // A replica one task away from its recycle gets a spare warming now, off the critical path.
    if (!recycle && replica.turnsServed >= entry.spec.maxTurnsPerProcess - 1) this.#prepareSpare(entry);
    if (recycle) {
      await this.#replace(entry, replica);
      return;
    }
    try {
      await this.supervisor.reset(agentId);
      if (!entry.replicas.includes(replica)) return; // the pool was reset meanwhile
      replica.busy = false;
      this.#dispatch(entry);
    } catch {
      await this.#replace(entry, replica);
    }
  }

  // A fresh process takes the replica's place: the spare if one is warm, else a new idle agent.
  async #replace(entry: Entry, replica: Replica): Promise<void> {
    const old = replica.agentId;
    if (this.#closed || !entry.replicas.includes(replica)) return;
    const spare = entry.spare;
    entry.spare = undefined;
    replica.agentId = spare ?? this.#launchIdle(entry, replica.index);
    replica.turnsServed = 0;
    replica.busy = false;
    if (entry.spec.resetStrategy === "respawn" || entry.spec.maxTurnsPerProcess <= 1) this.#prepareSpare(entry);
    this.#dispatch(entry);
    if (old !== undefined) await this.supervisor.kill(old).catch(() => undefined);
  }
}
