import { randomUUID } from "node:crypto";
import { PermissionFlow } from "./permission-flow.js";
import { DEFAULT_STALL_MS, type RateLimitStore, type SupervisorOptions } from "./supervisor-options.js";
import { newRecord } from "./new-record.js";
import { AgentRecords, assertSendable } from "./records.js";
import { bookkeep, keepOutput, startsBusy } from "./bookkeeping.js";
import { detachSession, resumeRequest, spawnSession, startScheduled, type SessionHost } from "./session-start.js";
import { Admission } from "./admission.js";
import type { AgentChange, AgentRecord, AgentView, LaunchRequest, TurnReport } from "./agent.js";
import { viewOf } from "./agent.js";
import { systemClock, type Clock } from "./clock.js";
import { CoreError } from "./errors.js";
import type { AgentEvent, Provider } from "./events.js";
import { planFailover, shouldFailOver, type FailoverPlan } from "./failover.js";
import { checkFailedNote, escalationStep, planEscalation } from "./escalation.js";
import { RateLimits, type RateWindow } from "./rate-limits.js";
import type { CheckOutcome } from "./candidate.js";
import { HealthTick } from "./health.js";
import { raised, type Budget } from "./budget.js";
import { budgetStanding, budgetStep, newPeriod, spendOn, turnStarted } from "./spending.js";
import { Listeners } from "./listeners.js";
import type { PermissionDecision, PermissionRequest } from "./permission.js";
import { type RecentItem } from "./recent.js";
import { lostTurn, TurnReports } from "./reports.js";
import { isRunning, transition, type AgentAction, type AgentStatus, type TurnOutcome } from "./state.js";
import { Waiters, type WaitRequest, type WaitResult } from "./waiters.js";

/**
 * The registry of agents: launches through drivers, feeds what happens to each agent through the
 * pure reducer (`transition`) and carries out what follows: admission under caps and bounds
 * (admission.ts), failover of a failed first turn (failover.ts), turn reports (reports.ts),
 * stalls (health.ts) and waits (waiters.ts).
 */
export class Supervisor {
  readonly #records: AgentRecords;
  readonly #clock: Clock;
  readonly #stallMs: number;
  readonly #waiters: Waiters;
  readonly #reports: TurnReports;
  readonly #admission: Admission;
  readonly #health: HealthTick;
  readonly #permissions: PermissionFlow;
  readonly #ends = new Listeners<AgentView>();
  readonly #rateLimits: RateLimitStore;
  readonly #changes = new Listeners<AgentChange>();
  #closed = false;

  constructor(readonly options: SupervisorOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#rateLimits = options.rateLimits ?? new RateLimits();
    this.#records = new AgentRecords(options.keepEnded);
    const apply = (record: AgentRecord, action: AgentAction): void => {
      this.#apply(record, action);
    };
    this.#stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    this.#waiters = new Waiters(this.#clock, (id) => this.#records.find(id));
    this.#reports = new TurnReports(options.maxUnreported);
    this.#admission = new Admission({
      records: () => this.#records.values(),
      caps: options.caps,
      maxLive: options.maxLive,
      maxQueued: options.maxQueued,
      now: () => this.#clock.now(),
      apply,
      start: (record) => {
        startScheduled(record, this.#sessionHost, options.schedule);
      },
      hibernate: (record) => this.hibernate(record.id),
    });
    this.#permissions = new PermissionFlow({
      clock: this.#clock,
      timeoutMs: options.permissionTimeoutMs,
      onPermission: options.onPermission,
      apply,
    });
    this.#health = new HealthTick(this.#clock, this.#stallMs, () => {
      this.checkHealth();
    });
  }

  /** Starts an agent now, or queues it when its provider is at its cap. Never waits for the CLI. */
  launch(request: LaunchRequest): AgentView {
    if (this.#closed) throw new CoreError("INVALID_ARGUMENT", "the supervisor is shut down");
    if (request.placement === undefined && this.options.drivers[request.provider] === undefined) {
      const known = Object.keys(this.options.drivers).join(", ");
      throw new CoreError("UNKNOWN_PROVIDER", `unknown provider "${request.provider}"; the configured providers are ${known}`);
    }
    // An ended agent's id may be launched again (a resume); a live one's never.
    if (request.escalate?.check !== undefined && this.options.runCheck === undefined)
      throw new CoreError("INVALID_ARGUMENT", "this supervisor cannot run check commands: escalate on error instead");
    const existing = request.id === undefined ? undefined : this.#records.find(request.id);
    if (existing !== undefined && existing.state.alive) throw new CoreError("INVALID_ARGUMENT", `an agent with id ${existing.id} exists already and is alive`);
    const now = this.#clock.now();
    const idle = request.prompt === undefined;
    // An idle (warm) agent runs no turn, so it takes no processing slot and never queues.
    const queued = !idle && request.placement === undefined && this.#admission.mustQueue(request.provider);
    const id = request.id ?? this.options.newId?.() ?? randomUUID().slice(0, 8);
    const record = newRecord(id, request, now, { queued, idle, tailChars: this.options.tailChars, recentItems: this.options.recentItems });
    this.#records.add(record); // the newest, in place of an ended one with its id
    if (startsBusy(record.state)) turnStarted(record.spending, now);
    this.#changes.tell({ type: "launched", agentId: record.id, request, at: now });
    if (request.prompt !== undefined)
      this.#changes.tell({ type: "sent", agentId: record.id, text: request.prompt, turn: (request.priorTurns ?? 0) + 1, at: now });
    this.#admission.place(record, queued);
    return this.get(record.id);
  }

  /** The providers this supervisor has a driver for. */
  providers(): Provider[] {
    return Object.keys(this.options.drivers);
  }

  /** A snapshot of one agent; throws AGENT_NOT_FOUND for an unknown id. */
  get(id: string): AgentView {
    const record = this.#records.get(id);
    return viewOf(record, this.#clock.now(), this.#admission.position(record), this.options.costOf);
  }

  /** Snapshots of every agent, oldest first, optionally of one status. */
  list(status?: AgentStatus): AgentView[] {
    return this.#records
      .ids()
      .map((id) => this.get(id))
      .filter((v) => status === undefined || v.status === status);
  }

  /** The last `maxChars` characters of an agent's output. */
  tail(id: string, maxChars?: number): string {
    return this.#records.get(id).tail.read(maxChars);
  }

  /** The last `count` visible items of an agent. */
  recent(id: string, count?: number): RecentItem[] {
    return this.#records.get(id).recent.last(count);
  }

  /** Sends a follow-up: queued behind the running turn, or started at once on an idle live agent. */
  send(id: string, text: string): AgentView {
    const record = this.#records.get(id);
    assertSendable(record);
    const asleep = record.state.status === "hibernated";
    // While its check runs, a follow-up waits: the check judges the turn it ran after.
    if (record.session === undefined || record.state.checking !== undefined) record.backlog.push(text);
    else record.session.send(text);
    if (record.state.turns === 0 && record.firstTurn.length > 0) record.firstTurn.push(text);
    this.#apply(record, { type: "sent", at: this.#clock.now() });
    this.#changes.tell({ type: "sent", agentId: id, text, turn: record.state.turns + record.state.pending, at: this.#clock.now() });
    if (asleep) this.#wake(record);
    return this.get(id);
  }

  /**
   * Raises an agent's budget (the given limits replace its own). An agent stopped at its budget
   * may take messages again, unless the raised budget is still exceeded (BUDGET_EXCEEDED says by what).
   */
  raiseBudget(id: string, raise: Budget): AgentView {
    const record = this.#records.get(id);
    record.request = { ...record.request, budget: raised(record.request.budget, raise) };
    const still = budgetStanding(record, this.#clock.now(), this.options.costOf).exceeded;
    if (still !== undefined) throw new CoreError("BUDGET_EXCEEDED", `agent ${id}'s raised budget is still exceeded: ${still}`);
    this.#apply(record, { type: "budget_raised", at: this.#clock.now() });
    return this.get(id);
  }

  /** Starts a new budget period for the agent: its budget counts from now (a pool replica's next task). */
  newBudgetPeriod(id: string): void {
    const record = this.#records.get(id);
    newPeriod(record);
    // A replica stopped by the last task's budget may take the next task.
    this.#apply(record, { type: "budget_raised", at: this.#clock.now() });
  }

  /** Ends the running turn and keeps the session (its pending permission requests are denied); a queued launch is cancelled. */
  async interrupt(id: string): Promise<AgentView> {
    const record = this.#records.get(id);
    if (record.state.status === "hibernated") return this.get(id); // nothing runs
    if (record.session === undefined) return this.kill(id);
    // A running check is stopped: the turn it judged stands as it ended.
    record.checkAbort?.abort();
    this.#permissions.withdraw(record, "the agent was interrupted");
    if (isRunning(record.state.status)) await record.session.interrupt();
    return this.get(id);
  }

  /** Ends the agent's whole process tree at once (its pending permission requests are denied first). */
  async kill(id: string): Promise<AgentView> {
    const record = this.#records.get(id);
    this.#admission.dequeue(record);
    record.checkAbort?.abort();
    this.#permissions.withdraw(record, "the agent was killed");
    if (record.state.status !== "stopped") this.#apply(record, { type: "stop_requested", at: this.#clock.now() });
    await record.session?.kill();
    // Not by id: an ended record may be freed meanwhile (see keepEnded).
    return viewOf(record, this.#clock.now(), undefined, this.options.costOf);
  }

  /** Starts a fresh conversation in the agent's live process; resolves once the CLI confirmed it. */
  async reset(id: string): Promise<void> {
    const record = this.#records.get(id);
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
    const request = this.#permissions.respond(this.#records.get(id), requestId, decision);
    return { view: this.get(id), request };
  }

  /** The tightest rate-limit window `provider`'s CLIs last reported that is still in force (routing's headroom). */
  headroom(provider: Provider): RateWindow | undefined {
    return this.#rateLimits.tightest(provider, this.#clock.now());
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
    return this.#reports.take(this.#records.get(id), turn);
  }

  /** Waits, event-driven, until any/all of the agents have a turn to report or stop running. */
  wait(request: WaitRequest): Promise<WaitResult> {
    for (const id of request.ids) this.#records.get(id);
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
    await Promise.all(this.#records.ids().map((id) => this.kill(id)));
  }

  /** Runs one health tick now (the supervisor also runs them on its own). */
  checkHealth(): void {
    const at = this.#clock.now();
    const ttl = this.options.idleTtlMs;
    for (const record of this.#records.values()) {
      this.#apply(record, { type: "tick", at, stallMs: this.#stallMs });
      if (isRunning(record.state.status)) this.#checkBudget(record);
      if (ttl !== undefined && ttl > 0 && record.request.pinned !== true && record.request.placement === undefined && at - record.state.lastActivityAt >= ttl)
        this.hibernate(record.id);
    }
  }

  /**
   * Closes an idle agent's process and keeps its session: status `hibernated`, still alive; the
   * next `send` resumes the conversation in a new process. False when it has a turn under way, has
   * no session to resume, or has no process.
   */
  hibernate(id: string): boolean {
    const record = this.#records.get(id);
    if (record.session === undefined) return false;
    this.#apply(record, { type: "hibernated", at: this.#clock.now() });
    if (record.state.status !== "hibernated") return false;
    detachSession(record, "close");
    return true;
  }

  // What starting a session needs of the supervisor.
  readonly #sessionHost: SessionHost = {
    driver: (provider) => this.options.drivers[provider],
    precheck: (record) => this.#permissions.precheck(record),
    onEvent: (record, event) => {
      this.#onEvent(record, event);
    },
    traceOf: (agentId) => this.options.traceOf?.(agentId),
  };

  // A hibernated agent's follow-up starts a new process on the same conversation, the message first.
  #wake(record: AgentRecord): void {
    record.request = resumeRequest(record);
    // Its process counts against max_live again: the idlest other agent may hibernate for room.
    this.#admission.makeRoom(record);
    spawnSession(record, this.#sessionHost);
  }

  #onEvent(record: AgentRecord, incoming: AgentEvent): void {
    const at = this.#clock.now();
    const event = spendOn(record, incoming, this.options.costOf);
    if (event.type === "rate_limit") this.#rateLimits.note(record.request.provider, event, at);
    if (event.type !== "text" && event.type !== "turn_end" && event.type !== "tool_result")
      this.#changes.tell({ type: "event", agentId: record.id, event, at });
    keepOutput(record, event, at);
    if (event.type === "permission_request") this.#permissions.request(record, event.request, at);
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

  // The one place state changes: the reducer decides, then this carries out what follows.
  #apply(record: AgentRecord, action: AgentAction): void {
    const before = record.state;
    const after = transition(before, action);
    if (after === before) return;
    // Read before a report can fail the agent over to another provider: this one's slot is freed.
    const provider = record.request.provider;
    const change = bookkeep(record, before, after, this.#clock.now());
    if (change !== undefined) this.#changes.tell(change);
    this.#permissions.sync(record, before, after);
    const ended = before.alive && !after.alive;
    const turnEnded = action.type === "event" && action.event.type === "turn_end";
    if (turnEnded && after.lastTurn !== undefined) this.#report(record, after.lastTurn, after.turns);
    // A turn that ended without a turn_end is still reported: the one after the last completed.
    // (A check's end is not one: the turn it judged was reported with it.)
    else if (isRunning(before.status) && !isRunning(after.status) && !turnEnded && action.type !== "check_done")
      this.#report(record, lostTurn(after, this.#clock.now()), after.turns + 1);
    // A freed slot or process (a turn ended, a session ended) may admit a queued launch.
    if (before.status !== after.status || ended) this.#admission.drain(provider);
    if (ended) this.#records.freeEnded();
    this.#waiters.notify();
    // A failover above may have revived it: only an agent still ended is over.
    if (ended && !record.state.alive) this.#tellEnd(record);
  }

  #tellEnd(record: AgentRecord): void {
    if (this.#ends.any) this.#ends.tell(viewOf(record, this.#clock.now(), undefined, this.options.costOf));
  }

  #report(record: AgentRecord, outcome: TurnOutcome, turn: number): void {
    if (shouldFailOver(record, outcome, turn)) {
      this.#moveTo(record, planFailover(record, record.state.lastError?.message ?? outcome.result));
      return;
    }
    const step = escalationStep(record, outcome, turn);
    if (step === "escalate") this.#escalate(record, outcome, turn, undefined);
    else if (step === "check") this.#check(record, outcome, turn);
    else this.#reports.add(record, outcome, turn);
  }

  // The turn ended well: its check runs before anyone hears of it, the agent processing meanwhile.
  #check(record: AgentRecord, outcome: TurnOutcome, turn: number): void {
    const command = record.request.escalate?.check as string;
    const run = this.options.runCheck;
    this.#apply(record, { type: "check_started", at: this.#clock.now(), command });
    if (run === undefined || record.state.checking === undefined) {
      this.#reports.add(record, outcome, turn);
      return;
    }
    const abort = (record.checkAbort = new AbortController());
    const epoch = record.epoch;
    void run({ command, cwd: record.request.cwd, agentId: record.id, signal: abort.signal })
      .catch((error: unknown): CheckOutcome => ({ command, ok: false, exitCode: null, output: String(error), durationMs: 0 }))
      .then((check) => {
        if (record.epoch !== epoch || record.checkAbort !== abort) return;
        delete record.checkAbort;
        this.#checked(record, outcome, turn, check, abort.signal.aborted);
      });
  }

  #checked(record: AgentRecord, outcome: TurnOutcome, turn: number, check: CheckOutcome, stopped: boolean): void {
    const escalating = !check.ok && !stopped && !record.state.stopRequested && (record.request.escalate?.ladder.length ?? 0) > 0;
    if (escalating) {
      this.#escalate(record, outcome, turn, check);
      return;
    }
    const final = check.ok || stopped ? outcome : { ...outcome, isError: true, result: outcome.result + checkFailedNote(check) };
    const failed =
      check.ok || stopped
        ? undefined
        : checkFailedNote(check)
            .trim()
            .split("\n")[0]
            ?.replace(/^\[|\]$/g, "");
    const done: AgentAction = { type: "check_done", at: this.#clock.now(), ...(failed === undefined ? {} : { failed }) };
    // Reported before the status changes, so that a waiter woken by the change finds the report (with the status it is about to have).
    this.#reports.add(record, final, turn, transition(record.state, done).status);
    this.#apply(record, done);
    // Follow-ups held during the check go to the session now.
    if (record.session !== undefined && record.state.alive) for (const text of record.backlog.splice(0)) record.session.send(text);
  }

  // Its spending is told (journal, budgets) as a superseded turn; the stronger candidate takes the task.
  #escalate(record: AgentRecord, outcome: TurnOutcome, turn: number, check: CheckOutcome | undefined): void {
    const plan = planEscalation(record, outcome, check);
    if (plan === undefined) {
      this.#reports.add(record, outcome, turn);
      return;
    }
    this.#reports.superseded(record, outcome, turn, plan.attempt.reason);
    // Follow-ups held during the check go to the stronger candidate after its first turn.
    this.#moveTo(record, { ...plan, backlog: [...record.backlog] });
  }

  // The same agent id moves to the next candidate and runs its first turn there (a failover
  // replays it; an escalation hands over what went wrong). The reducer restarts the lifecycle;
  // here the old session is ended (its late events carry an old epoch and are ignored) and the
  // new one is queued or started.
  #moveTo(record: AgentRecord, plan: FailoverPlan | undefined): void {
    if (plan === undefined) return;
    record.checkAbort?.abort();
    delete record.checkAbort;
    detachSession(record, "kill");
    record.request = plan.request;
    record.backlog.splice(0, record.backlog.length, ...plan.backlog);
    // An escalation's first turn is its hand-over prompt (and any held follow-ups): what a later failover replays.
    if (plan.attempt.kind === "escalation") record.firstTurn.splice(0, record.firstTurn.length, plan.request.prompt ?? "", ...plan.backlog);
    const { provider } = plan.request;
    const next = {
      provider,
      ...(plan.request.model === undefined ? {} : { model: plan.request.model }),
      ...(plan.request.effort === undefined ? {} : { effort: plan.request.effort }),
    };
    this.#changes.tell({ type: "attempt", agentId: record.id, attempt: plan.attempt, next, at: this.#clock.now() });
    this.#admission.reserve(provider, () => {
      const queued = !this.#admission.fits(provider);
      this.#apply(record, { type: "failover", at: this.#clock.now(), attempt: plan.attempt, queued, replay: record.firstTurn.length });
      this.#admission.place(record, queued);
    });
  }
}
