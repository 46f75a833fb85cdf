import { randomUUID } from "node:crypto";
import type { SupervisorOptions } from "./supervisor-options.js";
import { newRecord } from "../lifecycle/new-record.js";
import { assertSendable } from "../lifecycle/records.js";
import { bookkeep, startsBusy } from "../lifecycle/record-updates.js";
import { detachSession, resumeRequest, spawnSession, startScheduled, type SessionHost } from "./session-start.js";
import { viewOf, type AgentChange, type AgentRecord, type AgentView, type LaunchRequest, type TurnReport } from "../lifecycle/agent.js";
import { CoreError } from "../errors.js";
import { checkLaunchEnv } from "../driver/launch-env.js";
import { reportTurn } from "./supervisor-escalation.js";
import { runReview } from "../review/reviewer.js";
import type { RateWindow } from "../admission/rate-limits.js";
import { raised, type Budget } from "../budget/budget.js";
import { budgetStanding, newPeriod, turnStarted } from "../budget/spending.js";
import { checkBudget, releaseHeld, stopAt, takeEvent } from "./supervisor-events.js";
import { lostWithReceipt, witnessEvent } from "./supervisor-witness.js";
import { supervisorParts, type SupervisorParts } from "./supervisor-wiring.js";
import type { RecentItem } from "../lifecycle/recent.js";
import { lostTurn } from "./reports.js";
import { isRunning, transition, type AgentAction } from "../lifecycle/state.js";
import type { WaitRequest, WaitResult } from "./waiters.js";
import type { Provider, PermissionDecision, PermissionRequest, AgentStatus } from "@subagent-mcp/contract";

/** Prompts of follow-ups waiting behind a turn kept for the witness (the oldest are dropped past it). */
const MAX_ASKED = 100;

/**
 * The registry of agents: launches through drivers, feeds what happens to each agent through the
 * pure reducer (`transition`) and carries out what follows: admission under caps and bounds
 * (admission.ts), failover and escalation of a first turn (supervisor-escalation.ts), turn reports
 * (reports.ts), a session's events (supervisor-events.ts), stalls (health.ts) and waits (waiters.ts).
 */
export class Supervisor {
  readonly #parts: SupervisorParts;
  #closed = false;

  constructor(readonly options: SupervisorOptions) {
    this.#parts = supervisorParts(options, {
      apply: (record, action) => {
        this.#apply(record, action);
      },
      start: (record) => {
        startScheduled(record, this.#sessionHost, options.schedule);
      },
      hibernate: (record) => this.hibernate(record.id),
      tick: () => {
        this.checkHealth();
      },
      review: (ask) => runReview(this, ask),
    });
  }

  /** Starts an agent now, or queues it when its provider is at its cap. Never waits for the CLI. */
  launch(request: LaunchRequest): AgentView {
    if (this.#closed) throw new CoreError("INVALID_ARGUMENT", "the supervisor is shut down");
    checkLaunchEnv(request.env);
    if (request.placement === undefined && this.options.drivers[request.provider] === undefined) {
      const known = Object.keys(this.options.drivers).join(", ");
      throw new CoreError("UNKNOWN_PROVIDER", `unknown provider "${request.provider}"; the configured providers are ${known}`);
    }
    // An ended agent's id may be launched again (a resume); a live one's never.
    if (request.escalate?.check !== undefined && this.options.runCheck === undefined)
      throw new CoreError("INVALID_ARGUMENT", "this supervisor cannot run check commands: escalate on error instead");
    const existing = request.id === undefined ? undefined : this.#parts.records.find(request.id);
    if (existing !== undefined && existing.state.alive) throw new CoreError("INVALID_ARGUMENT", `an agent with id ${existing.id} exists already and is alive`);
    const now = this.#parts.clock.now();
    const idle = request.prompt === undefined;
    // An idle (warm) agent runs no turn, so it takes no processing slot and never queues.
    const queued = !idle && request.placement === undefined && this.#parts.admission.mustQueue(request.provider);
    const id = request.id ?? this.options.newId?.() ?? randomUUID().slice(0, 8);
    const record = newRecord(id, request, now, { queued, idle, tailChars: this.options.tailChars, recentItems: this.options.recentItems });
    this.#parts.records.add(record); // the newest, in place of an ended one with its id
    if (startsBusy(record.state)) turnStarted(record.spending, now);
    this.#parts.changes.tell({ type: "launched", agentId: record.id, request, at: now });
    if (request.prompt !== undefined)
      this.#parts.changes.tell({ type: "sent", agentId: record.id, text: request.prompt, turn: (request.priorTurns ?? 0) + 1, at: now });
    this.#parts.admission.place(record, queued);
    return this.get(record.id);
  }

  /** The providers this supervisor has a driver for. */
  providers(): Provider[] {
    return Object.keys(this.options.drivers);
  }

  /** A snapshot of one agent; throws AGENT_NOT_FOUND for an unknown id. */
  get(id: string): AgentView {
    const record = this.#parts.records.get(id);
    return viewOf(record, this.#parts.clock.now(), this.#parts.admission.position(record), this.options.costOf);
  }

  /** Snapshots of every agent, oldest first, optionally of one status. */
  list(status?: AgentStatus): AgentView[] {
    return this.#parts.records
      .ids()
      .map((id) => this.get(id))
      .filter((v) => status === undefined || v.status === status);
  }

  /** The last `maxChars` characters of an agent's output. */
  tail(id: string, maxChars?: number): string {
    return this.#parts.records.get(id).tail.read(maxChars);
  }

  /** The last `count` visible items of an agent. */
  recent(id: string, count?: number): RecentItem[] {
    return this.#parts.records.get(id).recent.last(count);
  }

  /** Sends a follow-up: queued behind the running turn (with `hold`, here until it ends, then sent or dropped if a budget parks the agent), or started at once on an idle live agent. */
  send(id: string, text: string, hold = false): AgentView {
    const record = this.#parts.records.get(id);
    assertSendable(record);
    const asleep = record.state.status === "hibernated";
    // It starts a turn at once in the live process, or waits behind one (or for a process) and is that turn's prompt later.
    const startsNow = record.session !== undefined && record.state.checking === undefined && !isRunning(record.state.status);
    // While its check runs, a follow-up waits: the check judges the turn it ran after (as the turn's end does a held one).
    if (record.session === undefined || record.state.checking !== undefined || (hold && isRunning(record.state.status))) record.backlog.push(text);
    else record.session.send(text);
    if (record.state.turns === 0 && record.firstTurn.length > 0) record.firstTurn.push(text);
    this.#apply(record, { type: "sent", at: this.#parts.clock.now() });
    if (startsNow) this.#begin(record, text);
    else if (record.asked.push(text) > MAX_ASKED) record.asked.shift();
    this.#parts.changes.tell({ type: "sent", agentId: id, text, turn: record.state.turns + record.state.pending, at: this.#parts.clock.now() });
    if (asleep) this.#wake(record);
    return this.get(id);
  }

  /**
   * Raises an agent's budget (the given limits replace its own). An agent stopped at its budget
   * may take messages again, unless the raised budget is still exceeded (BUDGET_EXCEEDED says by what).
   */
  raiseBudget(id: string, raise: Budget): AgentView {
    const record = this.#parts.records.get(id);
    record.request = { ...record.request, budget: raised(record.request.budget, raise) };
    const still = budgetStanding(record, this.#parts.clock.now(), this.options.costOf).exceeded;
    if (still !== undefined) throw new CoreError("BUDGET_EXCEEDED", `agent ${id}'s raised budget is still exceeded: ${still}`);
    this.#apply(record, { type: "budget_raised", at: this.#parts.clock.now() });
    return this.get(id);
  }

  /**
   * Stops the agent's running turn at a budget it does not hold itself (its server's share of a
   * tree's budget): interrupted once, as its own budget would, and then parked in budget_exceeded
   * with `note` (which limit, and by how much). An agent not running is left as it is, unless its turn just ended (`turnEnded`, from its report): it is parked.
   */
  stopAtBudget(id: string, note: string, turnEnded = false): void {
    stopAt(this.#parts.records.get(id), note, turnEnded);
  }

  /** Starts a new budget period for the agent: its budget counts from now (a pool replica's next task). */
  newBudgetPeriod(id: string): void {
    const record = this.#parts.records.get(id);
    newPeriod(record);
    // A replica stopped by the last task's budget may take the next task.
    this.#apply(record, { type: "budget_raised", at: this.#parts.clock.now() });
  }

  /** Ends the running turn and keeps the session (its pending permission requests are denied); a queued launch is cancelled. */
  async interrupt(id: string): Promise<AgentView> {
    const record = this.#parts.records.get(id);
    if (record.state.status === "hibernated") return this.get(id); // nothing runs
    // Queued here (no session yet) or on its machine (its launch waits there): cancelled.
    if (record.session === undefined || record.state.status === "queued") return this.kill(id);
    // A running check is stopped: the turn it judged stands as it ended.
    record.checkAbort?.abort();
    this.#parts.permissions.withdraw(record, "the agent was interrupted");
    if (isRunning(record.state.status)) await record.session.interrupt();
    return this.get(id);
  }

  /** Ends the agent's whole process tree at once (its pending permission requests are denied first). */
  async kill(id: string): Promise<AgentView> {
    const record = this.#parts.records.get(id);
    this.#parts.admission.dequeue(record);
    record.checkAbort?.abort();
    this.#parts.permissions.withdraw(record, "the agent was killed");
    if (record.state.status !== "stopped") this.#apply(record, { type: "stop_requested", at: this.#parts.clock.now() });
    await record.session?.kill();
    // Not by id: an ended record may be freed meanwhile (see keepEnded).
    return viewOf(record, this.#parts.clock.now(), undefined, this.options.costOf);
  }

  /** Starts a fresh conversation in the agent's live process; resolves once the CLI confirmed it. */
  async reset(id: string): Promise<void> {
    const record = this.#parts.records.get(id);
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
    const request = this.#parts.permissions.respond(this.#parts.records.get(id), requestId, decision);
    return { view: this.get(id), request };
  }

  /** The tightest rate-limit window `provider`'s CLIs last reported that is still in force (routing's headroom). */
  headroom(provider: Provider): RateWindow | undefined {
    return this.#parts.rateLimits.tightest(provider, this.#parts.clock.now());
  }

  /** Every rate-limit window of `provider` still in force (what `quota_percent` holds launches on). */
  rateWindows(provider: Provider): RateWindow[] {
    return this.#parts.rateLimits.windows(provider, this.#parts.clock.now());
  }

  /** Calls `listener` with every turn report as it is made (before any `wait` takes it). */
  onTurn(listener: (report: TurnReport) => void): () => void {
    return this.#parts.reports.listen(listener);
  }

  /**
   * Calls `listener` with what happens to every agent, as it happens (launches, messages, visible
   * events, status changes): what a journal records. Turn results come through {@link onTurn}.
   */
  onChange(listener: (change: AgentChange) => void): () => void {
    return this.#parts.changes.add(listener);
  }

  /** Calls `listener` once an agent's session has ended for good (killed, exited, closed), after any failover. */
  onEnd(listener: (view: AgentView) => void): () => void {
    return this.#parts.ends.add(listener);
  }

  /** Removes a turn's report so that `wait` won't report it: its result was delivered another way. */
  takeReport(id: string, turn: number): TurnReport | undefined {
    return this.#parts.reports.take(this.#parts.records.get(id), turn);
  }

  /** Waits, event-driven, until any/all of the agents have a turn to report or stop running. */
  wait(request: WaitRequest): Promise<WaitResult> {
    for (const id of request.ids) this.#parts.records.get(id);
    return this.#parts.waiters.wait(request);
  }

  /** Ids of agents with an unreported finished turn or a turn under way. */
  waitable(): string[] {
    const out: string[] = [];
    for (const r of this.#parts.records.values()) if (r.unreported.length > 0 || isRunning(r.state.status)) out.push(r.id);
    return out;
  }

  /** Kills every agent and stops the health tick. */
  async shutdown(): Promise<void> {
    this.#closed = true;
    this.#parts.health.stop();
    await Promise.all(this.#parts.records.ids().map((id) => this.kill(id)));
  }

  /** Runs one health tick now (the supervisor also runs them on its own). */
  checkHealth(): void {
    const at = this.#parts.clock.now();
    const ttl = this.options.idleTtlMs;
    for (const record of this.#parts.records.values()) {
      this.#apply(record, { type: "tick", at, stallMs: this.#parts.stallMs });
      if (isRunning(record.state.status)) checkBudget(this.#parts, record);
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
    const record = this.#parts.records.get(id);
    if (record.session === undefined) return false;
    this.#apply(record, { type: "hibernated", at: this.#parts.clock.now() });
    if (record.state.status !== "hibernated") return false;
    detachSession(record, "close");
    return true;
  }

  // What starting a session needs of the supervisor.
  readonly #sessionHost: SessionHost = {
    driver: (provider) => this.options.drivers[provider],
    precheck: (record) => this.#parts.permissions.precheck(record),
    onEvent: (record, event) => {
      witnessEvent(this.options.witness, record, event, (taken) => {
        takeEvent(this.#parts, record, taken);
      });
    },
    began: (record, prompt) => {
      this.#begin(record, prompt);
    },
    traceOf: (agentId) => this.options.traceOf?.(agentId),
  };

  // A hibernated agent's follow-up starts a new process on the same conversation, the message first.
  #wake(record: AgentRecord): void {
    record.request = resumeRequest(record);
    // Its process counts against max_live again: the idlest other agent may hibernate for room.
    this.#parts.admission.makeRoom(record);
    spawnSession(record, this.#sessionHost);
  }

  // The one place state changes: the reducer decides, then this carries out what follows.
  #apply(record: AgentRecord, action: AgentAction): void {
    const before = record.state;
    const after = transition(before, action);
    if (after === before) return;
    // Read before a report can fail the agent over to another provider: this one's slot is freed.
    const provider = record.request.provider;
    const change = bookkeep(record, before, after, this.#parts.clock.now());
    if (change !== undefined) this.#parts.changes.tell(change);
    this.#parts.permissions.sync(record, before, after);
    const ended = before.alive && !after.alive;
    const turnEnded = action.type === "event" && action.event.type === "turn_end";
    if (turnEnded && after.lastTurn !== undefined) reportTurn(this.#parts, record, after.lastTurn, after.turns);
    // A turn that ended without a turn_end is still reported: the one after the last completed.
    // (A check's end is not one: the turn it judged was reported with it; nor are held follow-ups dropped after one.)
    else if (isRunning(before.status) && !isRunning(after.status) && !turnEnded && action.type !== "check_done" && action.type !== "withdrawn")
      reportTurn(this.#parts, record, lostWithReceipt(this.options.witness, record, lostTurn(after, this.#parts.clock.now())), after.turns + 1);
    const next =
      (turnEnded || action.type === "check_done") && record.session !== undefined && isRunning(record.state.status) && record.state.checking === undefined;
    const parked = next && turnEnded && record.backlog.length > 0 ? releaseHeld(record, this.#parts.clock.now(), this.options.costOf) : undefined;
    if (parked !== undefined) this.#apply(record, parked);
    // The next turn (a follow-up that waited behind this one, or behind its check) starts in the same process.
    else if (next) this.#begin(record, undefined);
    // A freed slot or process (a turn ended, a session ended) may admit a queued launch.
    if (before.status !== after.status || ended) this.#parts.admission.drain(provider);
    if (ended) this.#parts.records.freeEnded();
    this.#parts.waiters.notify(record.id);
    // A failover above may have revived it: only an agent still ended is over.
    if (ended && !record.state.alive) {
      this.options.witness?.drop(record.id);
      this.#tellEnd(record);
    }
  }

  // Tells the witness that a turn starts; its prompt, when not given, is the oldest follow-up that waited.
  #begin(record: AgentRecord, prompt: string | undefined): void {
    const witness = this.options.witness;
    if (witness === undefined) return;
    const text = (record.turnPrompt = prompt ?? record.asked.shift());
    const machine = record.request.placement === undefined ? undefined : (record.session?.machine ?? record.request.placement.machine);
    witness.begin({ id: record.id, cwd: record.request.cwd, turn: record.state.turns + 1, prompt: text, ...(machine === undefined ? {} : { machine }) });
  }

  #tellEnd(record: AgentRecord): void {
    if (this.#parts.ends.any) this.#parts.ends.tell(viewOf(record, this.#parts.clock.now(), undefined, this.options.costOf));
  }
}
