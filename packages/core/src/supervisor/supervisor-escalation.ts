import type { Admission } from "../admission/admission.js";
import type { AgentChange, AgentRecord } from "../lifecycle/agent.js";
import type { CheckOutcome } from "../failover/candidate.js";
import type { Clock } from "./clock.js";
import { checkFailedNote, escalationStep, planEscalation } from "../failover/escalation.js";
import { planFailover, shouldFailOver, type FailoverPlan } from "../failover/failover.js";
import type { Listeners } from "./listeners.js";
import type { TurnReports } from "./reports.js";
import { detachSession } from "./session-start.js";
import { transition, type AgentAction, type TurnOutcome } from "../lifecycle/state.js";
import type { SupervisorOptions } from "./supervisor-options.js";
import { definedFields } from "@subagent-mcp/contract/fields";
import { needsReview, startReview, type ReviewHost } from "./supervisor-review.js";

// What the supervisor does once a turn has ended: report it, fail it over, run its check, or hand
// the task to a stronger candidate. The decisions are escalation.ts's and failover.ts's (pure);
// here they are carried out (a check run, a session swapped), apart from the supervisor's API.

/** What carrying out a turn's end needs of the supervisor. */
export interface EscalationHost extends ReviewHost {
  options: Pick<SupervisorOptions, "runCheck" | "witness" | "costOf">;
  clock: Clock;
  reports: TurnReports;
  admission: Admission;
  /** The supervisor's change listeners (see Supervisor.onChange). */
  changes: Listeners<AgentChange>;
  /** The supervisor's one way to change an agent's state (the reducer, then what follows). */
  apply(record: AgentRecord, action: AgentAction): void;
}

/** Reports turn `turn` of `record`, unless it fails over, is reviewed or checked first, or escalates. */
export function reportTurn(host: EscalationHost, record: AgentRecord, outcome: TurnOutcome, turn: number): void {
  if (shouldFailOver(record, outcome, turn)) {
    moveTo(host, record, planFailover(record, record.state.lastError?.message ?? outcome.result));
    return;
  }
  if (!needsReview(host, record, outcome)) {
    decide(host, record, outcome, turn);
    return;
  }
  startReview(host, record, outcome, (reviewed) => {
    decide(host, record, reviewed, turn);
    // Reviewed and reported (not escalated, nor checked): the review's hold ends, and follow-ups held meanwhile go on.
    if (record.state.checking !== undefined && record.checkAbort === undefined) endHold(host, record);
  });
}

// A finished (and reviewed) turn: escalated, checked, or reported.
function decide(host: EscalationHost, record: AgentRecord, outcome: TurnOutcome, turn: number): void {
  const step = escalationStep(record, outcome, turn);
  if (step === "escalate") escalate(host, record, outcome, turn, undefined);
  else if (step === "check") startCheck(host, record, outcome, turn);
  else if (record.state.checking === undefined) host.reports.add(record, outcome, turn);
  // Under review's hold: reported with the status it is about to have.
  else host.reports.add(record, outcome, turn, transition(record.state, { type: "check_done", at: host.clock.now() }).status);
}

// The hold of a review (or a check) ends: the turn's end stands, follow-ups held meanwhile go to the session.
function endHold(host: EscalationHost, record: AgentRecord, failed?: string): void {
  host.apply(record, { type: "check_done", at: host.clock.now(), ...definedFields({ failed }) });
  if (record.session !== undefined && record.state.alive) for (const text of record.backlog.splice(0)) record.session.send(text);
}

// The turn ended well: its check runs before anyone hears of it, the agent processing meanwhile.
function startCheck(host: EscalationHost, record: AgentRecord, outcome: TurnOutcome, turn: number): void {
  const command = record.request.escalate?.check as string;
  const run = host.options.runCheck;
  host.apply(record, { type: "check_started", at: host.clock.now(), command });
  if (run === undefined || record.state.checking === undefined) {
    host.reports.add(record, outcome, turn);
    return;
  }
  const abort = (record.checkAbort = new AbortController());
  const epoch = record.epoch;
  void run({ command, cwd: record.request.cwd, agentId: record.id, signal: abort.signal })
    .catch((error: unknown): CheckOutcome => ({ command, ok: false, exitCode: null, output: String(error), durationMs: 0 }))
    .then((check) => {
      if (record.epoch !== epoch || record.checkAbort !== abort) return;
      delete record.checkAbort;
      checked(host, record, outcome, turn, check, abort.signal.aborted);
    });
}

function checked(host: EscalationHost, record: AgentRecord, outcome: TurnOutcome, turn: number, check: CheckOutcome, stopped: boolean): void {
  const escalating = !check.ok && !stopped && !record.state.stopRequested && (record.request.escalate?.ladder.length ?? 0) > 0;
  if (escalating) {
    escalate(host, record, outcome, turn, check);
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
  const done: AgentAction = { type: "check_done", at: host.clock.now(), ...definedFields({ failed }) };
  // Reported before the status changes, so that a waiter woken by the change finds the report (with the status it is about to have).
  host.reports.add(record, final, turn, transition(record.state, done).status);
  endHold(host, record, failed);
}

// Its spending is told (journal, budgets) as a superseded turn; the stronger candidate takes the task.
function escalate(host: EscalationHost, record: AgentRecord, outcome: TurnOutcome, turn: number, check: CheckOutcome | undefined): void {
  const plan = planEscalation(record, outcome, check);
  if (plan === undefined) {
    host.reports.add(record, outcome, turn);
    return;
  }
  host.reports.superseded(record, outcome, turn, plan.attempt.reason);
  // Follow-ups held during the check go to the stronger candidate after its first turn.
  moveTo(host, record, { ...plan, backlog: [...record.backlog] });
}

// The same agent id moves to the next candidate and runs its first turn there (a failover
// replays it; an escalation hands over what went wrong). The reducer restarts the lifecycle;
// here the old session is ended (its late events carry an old epoch and are ignored) and the
// new one is queued or started.
function moveTo(host: EscalationHost, record: AgentRecord, plan: FailoverPlan | undefined): void {
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
    ...definedFields({ model: plan.request.model, effort: plan.request.effort }),
  };
  host.changes.tell({ type: "attempt", agentId: record.id, attempt: plan.attempt, next, at: host.clock.now() });
  host.admission.reserve(provider, () => {
    const queued = !host.admission.fits(provider);
    host.apply(record, { type: "failover", at: host.clock.now(), attempt: plan.attempt, queued, replay: record.firstTurn.length });
    host.admission.place(record, queued);
  });
}
