import type { AgentChange, AgentRecord } from "./agent.js";
import type { AgentEvent } from "../driver/events.js";
import { turnStarted, turnStopped } from "../budget/spending.js";
import { isRunning, type AgentState } from "./state.js";
import type { AgentStatus } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

// What a record keeps for itself as its state changes and its CLI speaks, apart from the
// supervisor's side effects (reports, admission, waiters), which act on other records too.

// Running in a process (a queued launch is waiting, not spending).
function busy(status: AgentStatus): boolean {
  return isRunning(status) && status !== "queued";
}

/**
 * Moves the record from `before` to `after`: the turn clock its spending counts seconds by, and
 * when it ended (or that a failover revived it). Returns the status change to tell, if any.
 */
export function bookkeep(record: AgentRecord, before: AgentState, after: AgentState, now: number): AgentChange | undefined {
  record.state = after;
  if (!busy(before.status) && busy(after.status)) turnStarted(record.spending, now);
  else if (busy(before.status) && !busy(after.status)) turnStopped(record.spending, now);
  if (before.alive && !after.alive) record.endedAt = now;
  else if (!before.alive && after.alive) delete record.endedAt; // revived by a failover
  if (before.status === after.status && before.alive === after.alive) return undefined;
  // A budget stop says which limit it reached, so that the journal (and a timeline read from it) can tell.
  const note = after.status === "budget_exceeded" ? (after.budgetNote ?? after.note) : after.note;
  return { type: "status", agentId: record.id, status: after.status, alive: after.alive, ...definedFields({ note }), at: now };
}

/** Keeps what the agent showed: its recent visible items and its output's tail. */
export function keepOutput(record: AgentRecord, event: AgentEvent, at: number): void {
  record.recent.add(event, at);
  if (event.type === "text") record.tail.push(event.delta);
  else if (event.type === "tool") record.tail.push(`\n[tool ${event.name}]\n`);
}

/** Whether a launch counts as a running turn from the start (a queued one waits, spending nothing). */
export const startsBusy = (state: AgentState): boolean => busy(state.status);
