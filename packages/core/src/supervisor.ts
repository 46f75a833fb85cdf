import { randomUUID } from "node:crypto";
import type { AgentRecord, AgentView, LaunchRequest, TurnReport } from "./agent.js";
import { viewOf } from "./agent.js";
import { DEFAULT_KEEP_ENDED, DEFAULT_MAX_QUEUED, freeable, idlest, liveBound, liveCount } from "./bounds.js";
import { systemClock, type Clock } from "./clock.js";
import type { Driver } from "./driver.js";
import { CoreError } from "./errors.js";
import type { AgentEvent, Provider } from "./events.js";
import { RecentItems, type RecentItem } from "./recent.js";
import { initialState, isRunning, transition, type AgentAction, type AgentStatus } from "./state.js";
import { TailBuffer } from "./tail.js";
import { Waiters, type WaitRequest, type WaitResult } from "./waiters.js";

/** Supervisor settings; every field has a default. */
export interface SupervisorOptions {
  drivers: Partial<Record<Provider, Driver>>;
  clock?: Clock;
  /** Processing agents allowed per provider (default 5); launches above it queue FIFO. */
  caps?: Partial<Record<Provider, number>>;
  /**
   * Live CLI processes kept per provider (default twice its cap, never below it). A launch past it
   * closes that provider's least recently active agent with nothing to do (it stays readable, with
   * a note), or queues while every one is busy. Pool replicas are not counted.
   */
  maxLive?: number;
  /** Launches allowed to wait per provider (default 50); more are refused with QUEUE_FULL. */
  maxQueued?: number;
  /** Ended agents whose records are kept (default 200, at least 1); older ones are freed. */
  keepEnded?: number;
  /** No visible event for this long marks a processing agent stalled (default 10 min). */
  stallMs?: number;
  /** Characters of output kept per agent (default 2 Mi). */
  tailChars?: number;
  /** Visible items kept per agent (default 10). */
  recentItems?: number;
  /** Unreported turn reports kept per agent before the oldest are dropped (default 100). */
  maxUnreported?: number;
  /** Whether a failure is worth another candidate (default: never, so no failover). */
  isTransient?: (message: string) => boolean;
}

const DEFAULT_CAP = 5;

/**
 * The registry of agents: launches through drivers, enforces per-provider caps (counting only
 * processing agents, queueing the rest) and bounds on live processes, queued launches and kept
 * records, marks stalls on a health tick, and serves waits.
 */
export class Supervisor {
  readonly #records = new Map<string, AgentRecord>();
  readonly #queues = new Map<Provider, AgentRecord[]>();
  readonly #clock: Clock;
  readonly #stallMs: number;
  readonly #waiters: Waiters;
  readonly #turnListeners = new Set<(report: TurnReport) => void>();
  readonly #draining = new Set<Provider>();
  #tick: unknown;
  #closed = false;

  constructor(readonly options: SupervisorOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#stallMs = options.stallMs ?? 10 * 60_000;
    this.#waiters = new Waiters(this.#clock, (id) => this.#records.get(id));
    this.#scheduleTick();
  }

  /** Starts an agent now, or queues it when its provider is at its cap. Never waits for the CLI. */
  launch(request: LaunchRequest): AgentView {
    if (this.#closed) throw new CoreError("INVALID_ARGUMENT", "the supervisor is shut down");
    if (this.options.drivers[request.provider] === undefined) {
      throw new CoreError("NO_DRIVER", `no driver is configured for provider "${request.provider}"`);
    }
    if (request.id !== undefined && this.#records.has(request.id)) throw new CoreError("INVALID_ARGUMENT", `an agent with id ${request.id} exists already`);
    const now = this.#clock.now();
    const idle = request.prompt === undefined;
    // An idle (warm) agent runs no turn, so it takes no processing slot and never queues.
    const queue = this.#queue(request.provider);
    const queued = !idle && (queue.length > 0 || !this.#fits(request.provider));
    if (queued && queue.length >= (this.options.maxQueued ?? DEFAULT_MAX_QUEUED)) {
      throw new CoreError("QUEUE_FULL", `${queue.length} ${request.provider} launches are already waiting for a slot, the most allowed; wait for running agents to finish (or kill some) and launch again`);
    }
    const record: AgentRecord = {
      id: request.id ?? randomUUID().slice(0, 8),
      request,
      createdAt: now,
      state: initialState(now, queued, idle),
      session: undefined,
      backlog: [],
      tail: new TailBuffer(this.options.tailChars),
      recent: new RecentItems(this.options.recentItems),
      unreported: [],
      epoch: 0,
      firstTurn: request.prompt === undefined ? [] : [request.prompt],
      attempts: [],
    };
    this.#records.set(record.id, record);
    if (queued) queue.push(record);
    else {
      this.#makeRoom(record);
      this.#start(record);
    }
    return this.get(record.id);
  }

  /** A snapshot of one agent; throws AGENT_NOT_FOUND for an unknown id. */
  get(id: string): AgentView {
    const record = this.#record(id);
    const position = this.#queue(record.request.provider).indexOf(record);
    return viewOf(record, this.#clock.now(), position < 0 ? undefined : position + 1);
  }

  /** Snapshots of every agent, oldest first, optionally of one status. */
  list(status?: AgentStatus): AgentView[] {
    return [...this.#records.keys()].map((id) => this.get(id)).filter((v) => status === undefined || v.status === status);
  }

  /** The last `maxChars` characters of an agent's output. */
  tail(id: string, maxChars?: number): string {
    return this.#record(id).tail.read(maxChars);
  }

  /** The last `count` visible items of an agent. */
  recent(id: string, count?: number): RecentItem[] {
    return this.#record(id).recent.last(count);
  }

  /** Sends a follow-up: queued behind the running turn, or started at once on an idle live agent. */
  send(id: string, text: string): AgentView {
    const record = this.#record(id);
    if (!record.state.alive) {
      const why = record.state.note === undefined ? "" : ` (${record.state.note})`;
      throw new CoreError(
        "AGENT_NOT_ALIVE",
        `agent ${id} is ${record.state.status} and its session has ended${why}; launch a new agent to continue`,
      );
    }
    if (record.session === undefined) record.backlog.push(text);
    else record.session.send(text);
    if (record.state.turns === 0 && record.firstTurn.length > 0) record.firstTurn.push(text);
    this.#apply(record, { type: "sent", at: this.#clock.now() });
    return this.get(id);
  }

  /** Ends the running turn and keeps the session; a queued launch is cancelled. */
  async interrupt(id: string): Promise<AgentView> {
    const record = this.#record(id);
    if (record.session === undefined) return this.kill(id);
    if (isRunning(record.state.status)) await record.session.interrupt();
    return this.get(id);
  }

  /** Ends the agent's whole process tree at once. */
  async kill(id: string): Promise<AgentView> {
    const record = this.#record(id);
    this.#dequeue(record);
    if (record.state.status !== "stopped") this.#apply(record, { type: "stop_requested", at: this.#clock.now() });
    await record.session?.kill();
    // Not by id: an ended record may be freed meanwhile (see keepEnded).
    return viewOf(record, this.#clock.now(), undefined);
  }

  /** Starts a fresh conversation in the agent's live process; resolves once the CLI confirmed it. */
  async reset(id: string): Promise<void> {
    const record = this.#record(id);
    if (record.session === undefined || !record.state.alive) {
      throw new CoreError("AGENT_NOT_ALIVE", `agent ${id} has no live session to reset`);
    }
    await record.session.reset();
  }

  /** Calls `listener` with every turn report as it is made (before any `wait` takes it). */
  onTurn(listener: (report: TurnReport) => void): () => void {
    this.#turnListeners.add(listener);
    return () => this.#turnListeners.delete(listener);
  }

  /** Removes a turn's report so that `wait` won't report it: its result was delivered another way. */
  takeReport(id: string, turn: number): TurnReport | undefined {
    const record = this.#record(id);
    const index = record.unreported.findIndex((r) => r.turn === turn);
    return index < 0 ? undefined : record.unreported.splice(index, 1)[0];
  }

  /** Waits, event-driven, until any/all of the agents have a turn to report or stop running. */
  wait(request: WaitRequest): Promise<WaitResult> {
    for (const id of request.ids) this.#record(id);
    return this.#waiters.wait(request);
  }

  /** Ids of agents with an unreported finished turn or a turn under way. */
  waitable(): string[] {
    return [...this.#records.values()]
      .filter((r) => r.unreported.length > 0 || isRunning(r.state.status))
      .map((r) => r.id);
  }

  /** Kills every agent and stops the health tick. */
  async shutdown(): Promise<void> {
    this.#closed = true;
    this.#clock.clearTimeout(this.#tick);
    await Promise.all([...this.#records.keys()].map((id) => this.kill(id)));
  }

  /** Runs one health tick now (the supervisor also runs them on its own). */
  checkHealth(): void {
    const at = this.#clock.now();
    for (const record of this.#records.values()) this.#apply(record, { type: "tick", at, stallMs: this.#stallMs });
  }

  #scheduleTick(): void {
    if (this.#closed) return;
    const every = Math.max(10, Math.min(5_000, Math.floor(this.#stallMs / 4)));
    this.#tick = this.#clock.setTimeout(() => {
      this.checkHealth();
      this.#scheduleTick();
    }, every);
  }

  #start(record: AgentRecord): void {
    const driver = this.options.drivers[record.request.provider];
    const { provider: _p, prompt, label: _l, fallbacks: _f, id: _i, pinned: _k, ...spec } = record.request;
    const epoch = record.epoch;
    try {
      if (driver === undefined) throw new CoreError("NO_DRIVER", `no driver is configured for provider "${record.request.provider}"`);
      record.session = driver.start(spec, (event) => {
        if (record.epoch === epoch) this.#onEvent(record, event);
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#onEvent(record, { type: "error", message, transient: false });
      this.#onEvent(record, { type: "exit", code: null, signal: null });
      return;
    }
    if (prompt !== undefined) record.session.send(prompt);
    for (const text of record.backlog.splice(0)) record.session.send(text);
  }

  #onEvent(record: AgentRecord, event: AgentEvent): void {
    const at = this.#clock.now();
    record.recent.add(event, at);
    if (event.type === "text") record.tail.push(event.delta);
    else if (event.type === "tool") record.tail.push(`\n[tool ${event.name}]\n`);
    this.#apply(record, { type: "event", at, event });
  }

  #apply(record: AgentRecord, action: AgentAction): void {
    const before = record.state;
    const after = transition(before, action);
    if (after === before) return;
    record.state = after;
    const ended = before.alive && !after.alive;
    if (ended) record.endedAt = this.#clock.now();
    const turnEnded = action.type === "event" && action.event.type === "turn_end";
    if (turnEnded && after.lastTurn !== undefined) this.#report(record, after.lastTurn);
    else if (isRunning(before.status) && !isRunning(after.status) && !turnEnded) this.#reportLost(record);
    // A freed slot or process (a turn ended, a session ended) may admit a queued launch.
    if (before.status !== after.status || ended) this.#drain(record.request.provider);
    if (ended) this.#freeEnded();
    this.#waiters.notify();
  }

  // A turn that ended without a turn_end (exit mid-turn, kill, a failed start) is still reported.
  #reportLost(record: AgentRecord): void {
    const { state } = record;
    const result = state.status === "stopped" ? "stopped before the turn finished" : (state.lastError?.message ?? "the turn was lost");
    // It is the turn after the last completed one that was lost.
    this.#report(record, { result, isError: true, interrupted: false, usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, costUsd: undefined, durationMs: this.#clock.now() - state.lastActivityAt }, state.turns + 1);
  }

  #report(record: AgentRecord, outcome: Omit<TurnReport, "agentId" | "status" | "turn">, turn = record.state.turns): void {
    if (turn === 1 && this.#shouldFailOver(record, outcome)) {
      this.#failOver(record, record.state.lastError?.message ?? outcome.result);
      return;
    }
    const listed = record.attempts.length > 0 && outcome.isError ? `${outcome.result}\n${attemptList(record)}` : outcome.result;
    const report: TurnReport = { ...outcome, result: listed, agentId: record.id, status: record.state.status, turn };
    record.unreported.push(report);
    for (const listener of this.#turnListeners) listener(report);
    const max = this.options.maxUnreported ?? 100;
    if (record.unreported.length > max) record.unreported.splice(0, record.unreported.length - max);
  }

  #shouldFailOver(record: AgentRecord, outcome: { isError: boolean; interrupted: boolean; result: string }): boolean {
    const isTransient = this.options.isTransient;
    if (isTransient === undefined || !outcome.isError || outcome.interrupted || record.state.stopRequested) return false;
    if ((record.request.fallbacks ?? []).length === 0) return false;
    return isTransient(record.state.lastError?.message ?? outcome.result) || isTransient(outcome.result);
  }

  // The first turn failed transiently: the same agent id moves to the next candidate, replaying
  // its first turn there; the old session is ended and its late events ignored.
  #failOver(record: AgentRecord, reason: string): void {
    const [next, ...rest] = record.request.fallbacks ?? [];
    if (next === undefined) return;
    record.attempts.push({ provider: record.request.provider, model: record.request.model, effort: record.request.effort, reason });
    const old = record.session;
    record.session = undefined;
    record.epoch += 1;
    void old?.kill().catch(() => undefined);
    const { model: _m, effort: _e, ...base } = record.request;
    record.request = { ...base, provider: next.provider, fallbacks: rest, ...(next.model === undefined ? {} : { model: next.model }), ...(next.effort === undefined ? {} : { effort: next.effort }) };
    const [prompt, ...early] = record.firstTurn;
    record.backlog.splice(0, record.backlog.length, ...early);
    record.request = { ...record.request, ...(prompt === undefined ? {} : { prompt }) };
    const queued = !this.#fits(next.provider);
    record.state = { ...initialState(this.#clock.now(), queued), pending: record.firstTurn.length };
    if (queued) this.#queue(next.provider).push(record);
    else {
      this.#makeRoom(record);
      this.#start(record);
      this.#drain(next.provider);
    }
  }

  #drain(provider: Provider): void {
    // Starting one can change state and call back here: the loop below re-checks after each start.
    if (this.#draining.has(provider)) return;
    this.#draining.add(provider);
    try {
      const queue = this.#queue(provider);
      while (queue.length > 0 && this.#fits(provider)) {
        const next = queue.shift() as AgentRecord;
        this.#makeRoom(next);
        this.#apply(next, { type: "admitted", at: this.#clock.now() });
        this.#start(next);
      }
    } finally {
      this.#draining.delete(provider);
    }
  }

  // A processing slot is free, and a live process too or one can be made free.
  #fits(provider: Provider): boolean {
    if (this.#processing(provider) >= this.#cap(provider)) return false;
    return liveCount(this.#records.values(), provider) < this.#liveBound(provider) || idlest(this.#records.values(), provider) !== undefined;
  }

  // Before `record` starts a process: at the bound, the least recently active idle agent's
  // session is closed politely; its results stay readable and a note says why it ended.
  #makeRoom(record: AgentRecord): void {
    const { provider, pinned } = record.request;
    if (pinned === true) return;
    const bound = this.#liveBound(provider);
    // The room is for `record`: a queued launch must not take it meanwhile (closing one drains).
    const outer = this.#draining.has(provider);
    this.#draining.add(provider);
    try {
      for (let victim = idlest(this.#records.values(), provider); victim !== undefined && liveCount(this.#records.values(), provider) >= bound; victim = idlest(this.#records.values(), provider)) {
        const note = `closed to keep at most ${bound} live ${provider} processes (max_live); its results stay readable`;
        this.#apply(victim, { type: "closed", at: this.#clock.now(), note });
        void victim.session?.close().catch(() => undefined); // a failed close is logged by the driver
      }
    } finally {
      if (!outer) this.#draining.delete(provider);
    }
  }

  #liveBound(provider: Provider): number {
    return liveBound(this.#cap(provider), this.options.maxLive);
  }

  // Frees the records of ended agents beyond the newest `keepEnded`.
  #freeEnded(): void {
    for (const record of freeable(this.#records.values(), Math.max(1, this.options.keepEnded ?? DEFAULT_KEEP_ENDED))) this.#records.delete(record.id);
  }

  #dequeue(record: AgentRecord): void {
    const queue = this.#queue(record.request.provider);
    const index = queue.indexOf(record);
    if (index >= 0) queue.splice(index, 1);
  }

  #processing(provider: Provider): number {
    let count = 0;
    for (const r of this.#records.values()) if (r.request.provider === provider && r.state.status === "processing") count += 1;
    return count;
  }

  #cap(provider: Provider): number {
    return this.options.caps?.[provider] ?? DEFAULT_CAP;
  }

  #queue(provider: Provider): AgentRecord[] {
    let queue = this.#queues.get(provider);
    if (queue === undefined) this.#queues.set(provider, (queue = []));
    return queue;
  }

  #record(id: string): AgentRecord {
    const record = this.#records.get(id);
    if (record === undefined) {
      const keep = Math.max(1, this.options.keepEnded ?? DEFAULT_KEEP_ENDED);
      throw new CoreError("AGENT_NOT_FOUND", `no agent with id "${id}"; list_agents shows the known ids (the records of ended agents beyond the newest ${keep} are freed)`);
    }
    return record;
  }
}

function attemptList(record: AgentRecord): string {
  const lines = record.attempts.map((a, i) => `${i + 1}. ${a.provider}/${a.model ?? "default"}${a.effort === undefined ? "" : ` (${a.effort})`}: transient — ${a.reason}`);
  const now = record.request;
  return `attempts:\n${lines.join("\n")}\n${lines.length + 1}. ${now.provider}/${now.model ?? "default"}${now.effort === undefined ? "" : ` (${now.effort})`}: failed (above)`;
}
