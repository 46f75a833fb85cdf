import type { AgentChange, AgentRecord } from "../lifecycle/agent.js";
import { keepOutput } from "../lifecycle/record-updates.js";
import type { Clock } from "./clock.js";
import type { AgentEvent } from "../driver/events.js";
import type { Listeners } from "./listeners.js";
import type { PermissionFlow } from "../permissions/permission-flow.js";
import { budgetStanding, budgetStep, spendOn } from "../budget/spending.js";
import { isRunning, type AgentAction } from "../lifecycle/state.js";
import type { RateLimitStore, SupervisorOptions } from "./supervisor-options.js";
import { definedFields } from "@subagent-mcp/contract/fields";

// How the supervisor takes in what an agent's CLI says: its spending, the rate limits it reports,
// the change told, the output kept, and a budget it reached. Separate from supervisor.ts, which
// holds the API and the one path by which state changes.

/** What taking in an agent's events needs of the supervisor. */
export interface EventHost {
  options: Pick<SupervisorOptions, "costOf">;
  clock: Clock;
  rateLimits: RateLimitStore;
  /** The supervisor's change listeners (see Supervisor.onChange). */
  changes: Listeners<AgentChange>;
  permissions: Pick<PermissionFlow, "request">;
  /** The supervisor's one way to change an agent's state (the reducer, then what follows). */
  apply(record: AgentRecord, action: AgentAction): void;
}

/** Takes in one event of the agent's current session. */
export function takeEvent(host: EventHost, record: AgentRecord, incoming: AgentEvent): void {
  const at = host.clock.now();
  const event = spendOn(record, incoming, host.options.costOf);
  if (event.type === "rate_limit") host.rateLimits.note(record.request.provider, event, at);
  // A session's start says where it runs: a conversation on another machine is saved there, and resumed there.
  const machine = event.type === "started" ? record.session?.machine : undefined;
  if (event.type !== "text" && event.type !== "turn_end" && event.type !== "tool_result")
    host.changes.tell({ type: "event", agentId: record.id, event, at, ...definedFields({ machine }) });
  keepOutput(record, event, at);
  if (event.type === "permission_request") host.permissions.request(record, event.request, at);
  else host.apply(record, { type: "event", at, event });
  if (event.type === "text" || event.type === "turn_end") checkBudget(host, record);
}

/** A reached budget interrupts the running turn (once), or, with none running, parks the agent. */
export function checkBudget(host: EventHost, record: AgentRecord): void {
  const step = budgetStep(record, host.clock.now(), host.options.costOf);
  if (step === undefined) return;
  if ("park" in step) host.apply(record, { type: "budget_exceeded", at: host.clock.now(), note: step.park });
  else void record.session?.interrupt().catch(() => undefined);
}

/**
 * A budget held elsewhere is spent: the running turn is interrupted (once) and ends in budget_exceeded saying `note`.
 * With `turnEnded` (told from its turn's report), an agent whose turn just ended is parked by the budget check that follows.
 */
export function stopAt(record: AgentRecord, note: string, turnEnded = false): void {
  // Follow-ups held behind it (sent with `hold`) have not reached its CLI: no turn runs.
  const over = !isRunning(record.state.status) || record.backlog.length > 0;
  if (turnEnded && record.state.alive && over && record.spending.stoppedBy === undefined) {
    record.spending.reached ??= note;
    return;
  }
  if (!record.state.alive || !isRunning(record.state.status)) return;
  if (record.spending.stoppedBy !== undefined || record.session === undefined) return;
  record.spending.stoppedBy = note;
  void record.session.interrupt().catch(() => undefined);
}

/**
 * The follow-ups held behind the turn that just ended (see Supervisor.send's `hold`) go to its CLI
 * now; when that turn reached a budget (its own, or one held elsewhere such as a spend cap, told by
 * {@link stopAt}) they are dropped instead, and the action returned parks the agent naming it.
 */
export function releaseHeld(record: AgentRecord, now: number, costOf: SupervisorOptions["costOf"]): AgentAction | undefined {
  const own = record.request.budget === undefined ? undefined : budgetStanding(record, now, costOf).exceeded;
  const note = record.spending.reached ?? own;
  const held = record.backlog.splice(0);
  if (note === undefined) {
    for (const text of held) record.session?.send(text);
    return undefined;
  }
  record.spending.reached = undefined;
  record.asked.splice(-held.length);
  return { type: "withdrawn", at: now, note };
}
