import { randomUUID } from "node:crypto";
import { Admission } from "./admission.js";
import type { AgentChange, AgentRecord, AgentView, LaunchRequest, PermissionEvent, TurnReport } from "./agent.js";
import { viewOf } from "./agent.js";
import { DEFAULT_KEEP_ENDED, freeable } from "./bounds.js";
import { systemClock, type Clock } from "./clock.js";
import type { Driver, PermissionRuling } from "./driver.js";
import { CoreError } from "./errors.js";
import type { AgentEvent, Provider } from "./events.js";
import { planFailover, shouldFailOver } from "./failover.js";
import { errorEvent } from "./failure.js";
import { HealthTick } from "./health.js";
import { raised, type Budget } from "./budget.js";
import { budgetStanding, budgetStep, newPeriod, newSpending, spendOn, turnStarted, turnStopped, type CostOf } from "./spending.js";
import { Listeners } from "./listeners.js";
import { findPending } from "./find-pending.js";
import type { PermissionDecision, PermissionRequest } from "./permission.js";
import { DEFAULT_PERMISSION_TIMEOUT_MS, PermissionTimers } from "./permission-timers.js";
import { RecentItems, type RecentItem } from "./recent.js";
import { lostTurn, TurnReports } from "./reports.js";
import { initialState, isRunning, transition, type AgentAction, type AgentState, type AgentStatus, type TurnOutcome } from "./state.js";
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
  /** A permission request left unanswered this long is denied, with a reason that says so (default 300 s). */
  permissionTimeoutMs?: number;
  /** Told each permission request's outcome (and each that parks its agent), e.g. for an audit log; must not throw. */
  onPermission?: (event: PermissionEvent) => void;
  /**
   * An agent with nothing to do for this long is hibernated: its process is closed politely, its
   * session kept, and the next message resumes it (default: never). Pool replicas are not.
   */
  idleTtlMs?: number;
  /** Cost of a turn whose CLI reports none (e.g. tokens times a price table); undefined: unknown, never 0. */
  costOf?: CostOf;
  /** Makes the id of a launch that brings none, e.g. one a journal has claimed (default: 8 random hex characters). */
  newId?: () => string;
}

/**
 * The registry of agents: launches through drivers, feeds what happens to each agent through the
 * pure reducer (`transition`) and carries out what follows: admission under caps and bounds
 * (admission.ts), failover of a failed first turn (failover.ts), turn reports (reports.ts),
 * stalls (health.ts) and waits (waiters.ts).
 */
export class Supervisor {
  readonly #records = new Map<string, AgentRecord>();
  readonly #clock: Clock;
  readonly #stallMs: number;
  readonly #waiters: Waiters;
  readonly #reports: TurnReports;
  readonly #admission: Admission;
  readonly #health: HealthTick;
  readonly #permissionTimers: PermissionTimers;
  readonly #ends = new Listeners<AgentView>();
  readonly #changes = new Listeners<AgentChange>();
  #closed = false;

  constructor(readonly options: SupervisorOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#stallMs = options.stallMs ?? 10 * 60_000;
    this.#waiters = new Waiters(this.#clock, (id) => this.#records.get(id));
    this.#reports = new TurnReports(options.maxUnreported);
    this.#admission = new Admission({
      records: () => this.#records.values(),
      caps: options.caps,
      maxLive: options.maxLive,
      maxQueued: options.maxQueued,
      now: () => this.#clock.now(),
      apply: (record, action) => {
        this.#apply(record, action);
      },
      start: (record) => {
        this.#start(record);
      },
      hibernate: (record) => this.hibernate(record.id),
    });
    this.#permissionTimers = new PermissionTimers(this.#clock, options.permissionTimeoutMs ?? DEFAULT_PERMISSION_TIMEOUT_MS, (record, requestId) => {
      const seconds = Math.round(this.#permissionTimers.timeoutMs / 1000);
      this.#answer(
        record,
        requestId,
        {
          behavior: "deny",
          message: `Denied: nobody answered this permission request within ${seconds} s (permission_timeout_s). Go on without it, or ask for the permission in your result.`,
        },
        "timeout",
      );
    });
    this.#health = new HealthTick(this.#clock, this.#stallMs, () => {
      this.checkHealth();
    });
  }

  /** Starts an agent now, or queues it when its provider is at its cap. Never waits for the CLI. */
  launch(request: LaunchRequest): AgentView {
    if (this.#closed) throw new CoreError("INVALID_ARGUMENT", "the supervisor is shut down");
    if (this.options.drivers[request.provider] === undefined) {
      throw new CoreError("NO_DRIVER", `no driver is configured for provider "${request.provider}"`);
    }
    // An ended agent's id may be launched again (a resume); a live one's never.
    const existing = request.id === undefined ? undefined : this.#records.get(request.id);
    if (existing !== undefined && existing.state.alive) throw new CoreError("INVALID_ARGUMENT", `an agent with id ${existing.id} exists already and is alive`);
    const now = this.#clock.now();
    const idle = request.prompt === undefined;
    // An idle (warm) agent runs no turn, so it takes no processing slot and never queues.
    const queued = !idle && this.#admission.mustQueue(request.provider);
    const record: AgentRecord = {
      id: request.id ?? this.options.newId?.() ?? randomUUID().slice(0, 8),
      request,
      createdAt: now,
      state: { ...initialState(now, queued, idle), turns: request.priorTurns ?? 0 },
      session: undefined,
      backlog: [],
      tail: new TailBuffer(this.options.tailChars),
      recent: new RecentItems(this.options.recentItems),
      unreported: [],
      unannounced: [],
      epoch: 0,
      firstTurn: request.prompt === undefined ? [] : [request.prompt],
      spending: newSpending(),
    };
    if (existing !== undefined) this.#records.delete(existing.id); // the new record goes last, as the newest
    this.#records.set(record.id, record);
    if (busy(record.state.status)) turnStarted(record.spending, now);
    this.#tellChange({ type: "launched", agentId: record.id, request, at: now });
    if (request.prompt !== undefined)
      this.#tellChange({ type: "sent", agentId: record.id, text: request.prompt, turn: (request.priorTurns ?? 0) + 1, at: now });
    this.#admission.place(record, queued);
    return this.get(record.id);
  }

  /** A snapshot of one agent; throws AGENT_NOT_FOUND for an unknown id. */
  get(id: string): AgentView {
    const record = this.#record(id);
    return viewOf(record, this.#clock.now(), this.#admission.position(record), this.options.costOf);
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
      const cause = record.state.note ?? record.state.lastError?.message;
      const why = cause === undefined ? "" : ` (${cause})`;
      throw new CoreError("AGENT_NOT_ALIVE", `agent ${id} is ${record.state.status} and its session has ended${why}; launch a new agent to continue`);
    }
    if (record.state.status === "budget_exceeded") {
      throw new CoreError(
        "BUDGET_EXCEEDED",
        `agent ${id} stopped at its budget (${record.state.budgetNote ?? "a limit was reached"}): raise it (send_message with raise_budget) to go on`,
      );
    }
    const asleep = record.state.status === "hibernated";
    if (record.session === undefined) record.backlog.push(text);
    else record.session.send(text);
    if (record.state.turns === 0 && record.firstTurn.length > 0) record.firstTurn.push(text);
    this.#apply(record, { type: "sent", at: this.#clock.now() });
    this.#tellChange({ type: "sent", agentId: id, text, turn: record.state.turns + record.state.pending, at: this.#clock.now() });
    if (asleep) this.#wake(record);
    return this.get(id);
  }

  /**
   * Raises an agent's budget (the given limits replace its own). An agent stopped at its budget
   * may take messages again, unless the raised budget is still exceeded (BUDGET_EXCEEDED says by what).
   */
  raiseBudget(id: string, raise: Budget): AgentView {
    const record = this.#record(id);
    record.request = { ...record.request, budget: raised(record.request.budget, raise) };
    const still = budgetStanding(record, this.#clock.now(), this.options.costOf).exceeded;
    if (still !== undefined) throw new CoreError("BUDGET_EXCEEDED", `agent ${id}'s raised budget is still exceeded: ${still}`);
    this.#apply(record, { type: "budget_raised", at: this.#clock.now() });
    return this.get(id);
  }

  /** Starts a new budget period for the agent: its budget counts from now (a pool replica's next task). */
  newBudgetPeriod(id: string): void {
    const record = this.#record(id);
    newPeriod(record);
    // A replica stopped by the last task's budget may take the next task.
    this.#apply(record, { type: "budget_raised", at: this.#clock.now() });
  }

  /** Ends the running turn and keeps the session (its pending permission requests are denied); a queued launch is cancelled. */
  async interrupt(id: string): Promise<AgentView> {
    const record = this.#record(id);
    if (record.state.status === "hibernated") return this.get(id); // nothing runs
    if (record.session === undefined) return this.kill(id);
    this.#withdraw(record, "the agent was interrupted");
    if (isRunning(record.state.status)) await record.session.interrupt();
    return this.get(id);
  }

  /** Ends the agent's whole process tree at once (its pending permission requests are denied first). */
  async kill(id: string): Promise<AgentView> {
    const record = this.#record(id);
    this.#admission.dequeue(record);
    this.#withdraw(record, "the agent was killed");
    if (record.state.status !== "stopped") this.#apply(record, { type: "stop_requested", at: this.#clock.now() });
    await record.session?.kill();
    // Not by id: an ended record may be freed meanwhile (see keepEnded).
    return viewOf(record, this.#clock.now(), undefined, this.options.costOf);
  }

  /** Starts a fresh conversation in the agent's live process; resolves once the CLI confirmed it. */
  async reset(id: string): Promise<void> {
    const record = this.#record(id);
    if (record.session === undefined || !record.state.alive) {
      throw new CoreError("AGENT_NOT_ALIVE", `agent ${id} has no live session to reset`);
    }
    await record.session.reset();
  }

  /**
   * Answers one of an agent's pending permission requests (`requestId` may be left out when exactly
   * one is pending). The agent goes back to processing once none is left.
   */
  respondPermission(id: string, requestId: string | undefined, decision: PermissionDecision): { view: AgentView; request: PermissionRequest } {
    const record = this.#record(id);
    const found = findPending(record, requestId);
    if (record.session?.respondPermission === undefined) {
      throw new CoreError("INVALID_ARGUMENT", `agent ${id}'s ${record.request.provider} session cannot answer permission requests`);
    }
    this.#answer(record, found.request.requestId, decision, "orchestrator");
    return { view: this.get(id), request: found.request };
  }

  /** Calls `listener` with every turn report as it is made (before any `wait` takes it). */
  onTurn(listener: (report: TurnReport) => void): () => void {
    return this.#reports.listen(listener);
  }

  /**
   * Calls `listener` with what happens to every agent, as it happens (launches, messages, visible
   * events, status changes): what a journal records. Turn results come through {@link onTurn}.
   */
  onChange(listener: (change: AgentChange) => void): () => void {
    return this.#changes.add(listener);
  }

  /** Calls `listener` once an agent's session has ended for good (killed, exited, closed), after any failover. */
  onEnd(listener: (view: AgentView) => void): () => void {
    return this.#ends.add(listener);
  }

  /** Removes a turn's report so that `wait` won't report it: its result was delivered another way. */
  takeReport(id: string, turn: number): TurnReport | undefined {
    return this.#reports.take(this.#record(id), turn);
  }

  /** Waits, event-driven, until any/all of the agents have a turn to report or stop running. */
  wait(request: WaitRequest): Promise<WaitResult> {
    for (const id of request.ids) this.#record(id);
    return this.#waiters.wait(request);
  }

  /** Ids of agents with an unreported finished turn or a turn under way. */
  waitable(): string[] {
    return [...this.#records.values()].filter((r) => r.unreported.length > 0 || isRunning(r.state.status)).map((r) => r.id);
  }

  /** Kills every agent and stops the health tick. */
  async shutdown(): Promise<void> {
    this.#closed = true;
    this.#health.stop();
    await Promise.all([...this.#records.keys()].map((id) => this.kill(id)));
  }

  /** Runs one health tick now (the supervisor also runs them on its own). */
  checkHealth(): void {
    const at = this.#clock.now();
    const ttl = this.options.idleTtlMs;
    for (const record of this.#records.values()) {
      this.#apply(record, { type: "tick", at, stallMs: this.#stallMs });
      if (isRunning(record.state.status)) this.#checkBudget(record);
      if (ttl !== undefined && ttl > 0 && record.request.pinned !== true && at - record.state.lastActivityAt >= ttl) this.hibernate(record.id);
    }
  }

  /**
   * Closes an idle agent's process and keeps its session: status `hibernated`, still alive; the
   * next `send` resumes the conversation in a new process. False when it has a turn under way, has
   * no session to resume, or has no process.
   */
  hibernate(id: string): boolean {
    const record = this.#record(id);
    const session = record.session;
    if (session === undefined) return false;
    this.#apply(record, { type: "hibernated", at: this.#clock.now() });
    if (record.state.status !== "hibernated") return false;
    // Its exit is expected: events of the closed process are ignored from here on.
    record.epoch += 1;
    record.session = undefined;
    void session.close().catch(() => undefined);
    return true;
  }

  // A launch with work to do first (see LaunchRequest.prepare) starts its CLI once that is done,
  // unless the agent was killed or failed over meanwhile; until then follow-ups wait in the backlog.
  #start(record: AgentRecord): void {
    const prepare = record.request.prepare;
    if (prepare === undefined || record.prepared === true) {
      this.#spawn(record);
      return;
    }
    const epoch = record.epoch;
    const current = () => record.epoch === epoch && record.state.alive;
    prepare(record.id).then(
      (moved) => {
        record.prepared = true;
        if (moved?.cwd !== undefined) record.request = { ...record.request, cwd: moved.cwd };
        if (current()) this.#spawn(record);
      },
      (error: unknown) => {
        if (!current()) return;
        this.#onEvent(record, { type: "error", message: error instanceof Error ? error.message : String(error), transient: false });
        this.#onEvent(record, { type: "exit", code: null, signal: null });
      },
    );
  }

  #spawn(record: AgentRecord): void {
    const driver = this.options.drivers[record.request.provider];
    const { provider: _p, prompt, label: _l, fallbacks: _f, id: _i, pinned: _k, permissionPolicy: _r, prepare: _q, priorTurns: _t, ...spec } = record.request;
    const epoch = record.epoch;
    try {
      if (driver === undefined) throw new CoreError("NO_DRIVER", `no driver is configured for provider "${record.request.provider}"`);
      const policy = record.request.permissionPolicy;
      const precheck = policy === undefined ? undefined : (request: PermissionRequest) => this.#precheck(record, policy, request);
      record.session = driver.start(precheck === undefined ? spec : { ...spec, precheck }, (event) => {
        if (record.epoch === epoch) this.#onEvent(record, event);
      });
    } catch (error) {
      this.#onEvent(record, errorEvent(error instanceof Error ? error.message : String(error)));
      this.#onEvent(record, { type: "exit", code: null, signal: null });
      return;
    }
    if (prompt !== undefined) record.session.send(prompt);
    for (const text of record.backlog.splice(0)) record.session.send(text);
  }

  // A hibernated agent's follow-up starts a new process on the same conversation, the message first.
  #wake(record: AgentRecord): void {
    const { prompt: _p, ...request } = record.request;
    const resume = record.state.sessionId;
    record.request = resume === undefined ? request : { ...request, resume };
    // Its process counts against max_live again: the idlest other agent may hibernate for room.
    this.#admission.makeRoom(record);
    this.#spawn(record);
  }

  #onEvent(record: AgentRecord, incoming: AgentEvent): void {
    const at = this.#clock.now();
    const event = spendOn(record, incoming, this.options.costOf);
    if (event.type !== "text" && event.type !== "turn_end" && event.type !== "tool_result") this.#tellChange({ type: "event", agentId: record.id, event, at });
    record.recent.add(event, at);
    if (event.type === "text") record.tail.push(event.delta);
    else if (event.type === "tool") record.tail.push(`\n[tool ${event.name}]\n`);
    if (event.type === "permission_request") this.#onPermissionRequest(record, event.request, at);
    else this.#apply(record, { type: "event", at, event });
    if (event.type === "text" || event.type === "turn_end") this.#checkBudget(record);
  }

  // A reached budget interrupts the running turn (once), or, with none running, parks the agent.
  #checkBudget(record: AgentRecord): void {
    const step = budgetStep(record, this.#clock.now(), this.options.costOf);
    if (step === undefined) return;
    if ("park" in step) this.#apply(record, { type: "budget_exceeded", at: this.#clock.now(), note: step.park });
    else void record.session?.interrupt().catch(() => undefined);
  }

  // Rules answer first; only what they leave open parks the agent. A request the state cannot
  // take (no turn under way, too many pending) is denied rather than left hanging.
  #onPermissionRequest(record: AgentRecord, request: PermissionRequest, at: number): void {
    const ruled = record.request.permissionPolicy?.(request, { id: record.id, cwd: record.request.cwd });
    const rule = ruled?.rule === undefined ? {} : { rule: ruled.rule };
    if (ruled !== undefined && ruled.decision !== "ask") {
      const decision: PermissionDecision = ruled.decision === "allow" ? { behavior: "allow" } : { behavior: "deny", message: `Denied: ${ruled.why}.` };
      record.session?.respondPermission?.(request.requestId, decision);
      this.#tell({ agentId: record.id, request, decision: ruled.decision, by: "rule", ...rule, reason: ruled.why });
      return;
    }
    this.#apply(record, { type: "event", at, event: { type: "permission_request", request } });
    if (record.state.permissions.some((p) => p.request.requestId === request.requestId)) {
      this.#tell({ agentId: record.id, request, decision: "ask", by: "rule", ...rule, reason: ruled?.why ?? "no rule answers it" });
      return;
    }
    const { alive, status, permissions } = record.state;
    const why = !alive ? "the agent has ended" : isRunning(status) ? `it already has ${permissions.length} pending requests` : "no turn is under way";
    record.session?.respondPermission?.(request.requestId, { behavior: "deny", message: `Denied: ${why}.` });
    this.#tell({ agentId: record.id, request, decision: "deny", by: "rule", reason: why });
  }

  // A tool use the CLI may run without asking: only a rule may stop it (or make it ask); what the
  // rules refuse is audited here, the rest is the CLI's own business and audited when it asks.
  #precheck(record: AgentRecord, policy: NonNullable<LaunchRequest["permissionPolicy"]>, request: PermissionRequest): PermissionRuling {
    const ruled = policy(request, { id: record.id, cwd: record.request.cwd });
    if (ruled.decision === "deny")
      this.#tell({ agentId: record.id, request, decision: "deny", by: "rule", ...(ruled.rule === undefined ? {} : { rule: ruled.rule }), reason: ruled.why });
    return ruled;
  }

  // Sends the decision to the CLI, then the request leaves the state.
  #answer(record: AgentRecord, requestId: string, decision: PermissionDecision, by: PermissionEvent["by"]): void {
    const request = record.state.permissions.find((p) => p.request.requestId === requestId)?.request;
    record.session?.respondPermission?.(requestId, decision);
    this.#apply(record, { type: "permission_answered", at: this.#clock.now(), requestId });
    if (request !== undefined)
      this.#tell({ agentId: record.id, request, decision: decision.behavior, by, reason: decision.message ?? `${by} answered ${decision.behavior}` });
  }

  #tell(event: PermissionEvent): void {
    try {
      this.options.onPermission?.(event);
    } catch {
      // an audit must never break the agent it audits
    }
  }

  // Kill and interrupt: every pending request is denied, so that a CLI that lives on goes on.
  #withdraw(record: AgentRecord, why: string): void {
    for (const p of record.state.permissions) this.#answer(record, p.request.requestId, { behavior: "deny", message: `Denied: ${why}.` }, "orchestrator");
  }

  // The one place state changes: the reducer decides, then this carries out what follows.
  #apply(record: AgentRecord, action: AgentAction): void {
    const before = record.state;
    const after = transition(before, action);
    if (after === before) return;
    // Read before a report can fail the agent over to another provider: this one's slot is freed.
    const provider = record.request.provider;
    record.state = after;
    if (!busy(before.status) && busy(after.status)) turnStarted(record.spending, this.#clock.now());
    else if (busy(before.status) && !busy(after.status)) turnStopped(record.spending, this.#clock.now());
    if (before.status !== after.status || before.alive !== after.alive)
      this.#tellChange({
        type: "status",
        agentId: record.id,
        status: after.status,
        alive: after.alive,
        ...(after.note === undefined ? {} : { note: after.note }),
        at: this.#clock.now(),
      });
    this.#announce(record, before, after);
    this.#permissionTimers.sync(record, before, after);
    const ended = before.alive && !after.alive;
    if (ended) record.endedAt = this.#clock.now();
    else if (!before.alive && after.alive) delete record.endedAt; // revived by a failover
    const turnEnded = action.type === "event" && action.event.type === "turn_end";
    if (turnEnded && after.lastTurn !== undefined) this.#report(record, after.lastTurn, after.turns);
    // A turn that ended without a turn_end is still reported: the one after the last completed.
    else if (isRunning(before.status) && !isRunning(after.status) && !turnEnded) this.#report(record, lostTurn(after, this.#clock.now()), after.turns + 1);
    // A freed slot or process (a turn ended, a session ended) may admit a queued launch.
    if (before.status !== after.status || ended) this.#admission.drain(provider);
    if (ended) this.#freeEnded();
    this.#waiters.notify();
    // A failover above may have revived it: only an agent still ended is over.
    if (ended && !record.state.alive) this.#tellEnd(record);
  }

  #tellChange(change: AgentChange): void {
    this.#changes.tell(change);
  }

  #tellEnd(record: AgentRecord): void {
    if (this.#ends.any) this.#ends.tell(viewOf(record, this.#clock.now(), undefined, this.options.costOf));
  }

  // New requests are for the next wait to report; gone ones are not.
  #announce(record: AgentRecord, before: AgentState, after: AgentState): void {
    if (before.permissions === after.permissions) return;
    const now = new Set(after.permissions.map((p) => p.request.requestId));
    const known = new Set(before.permissions.map((p) => p.request.requestId));
    const kept = record.unannounced.filter((id) => now.has(id));
    record.unannounced.splice(0, record.unannounced.length, ...kept, ...[...now].filter((id) => !known.has(id)));
  }

  #report(record: AgentRecord, outcome: TurnOutcome, turn: number): void {
    if (shouldFailOver(record, outcome, turn)) this.#failOver(record, record.state.lastError?.message ?? outcome.result);
    else this.#reports.add(record, outcome, turn);
  }

  // The same agent id moves to the next candidate and replays its first turn there. The reducer
  // restarts the lifecycle; here the old session is ended (its late events carry an old epoch
  // and are ignored) and the new one is queued or started.
  #failOver(record: AgentRecord, reason: string): void {
    const plan = planFailover(record, reason);
    if (plan === undefined) return;
    const old = record.session;
    record.session = undefined;
    record.epoch += 1;
    void old?.kill().catch(() => undefined);
    record.request = plan.request;
    record.backlog.splice(0, record.backlog.length, ...plan.backlog);
    const { provider } = plan.request;
    this.#admission.reserve(provider, () => {
      const queued = !this.#admission.fits(provider);
      this.#apply(record, { type: "failover", at: this.#clock.now(), attempt: plan.attempt, queued, replay: record.firstTurn.length });
      this.#admission.place(record, queued);
    });
  }

  // Frees the records of ended agents beyond the newest `keepEnded`.
  #freeEnded(): void {
    for (const record of freeable(this.#records.values(), this.#keepEnded())) this.#records.delete(record.id);
  }

  #keepEnded(): number {
    return Math.max(1, this.options.keepEnded ?? DEFAULT_KEEP_ENDED);
  }

  #record(id: string): AgentRecord {
    const record = this.#records.get(id);
    if (record === undefined) {
      throw new CoreError(
        "AGENT_NOT_FOUND",
        `no agent with id "${id}"; list_agents shows the known ids (the records of ended agents beyond the newest ${this.#keepEnded()} are freed)`,
      );
    }
    return record;
  }
}

// Running in a process (a queued launch is waiting, not spending).
function busy(status: AgentStatus): boolean {
  return isRunning(status) && status !== "queued";
}
