import type { AgentRecord } from "../lifecycle/agent.js";
import { budgetTokens, standing, type BudgetStanding, type Spent } from "./budget.js";
import type { AgentEvent } from "../driver/events.js";
import { isRunning } from "../lifecycle/state.js";
import { ZERO_USAGE, type Provider, type Usage } from "@subagent-mcp/contract";

/** Cost of a turn whose CLI reports none, e.g. tokens times a price table; undefined when unknown. */
export type CostOf = (provider: Provider, model: string | undefined, usage: Usage) => number | undefined;

/** Characters of a running turn's text kept to stand in for its result if a budget stops it. */
const PARTIAL_CHARS = 64 * 1024;

/** One agent's spending, beyond what its state's usage says: costs, busy time, the running turn. */
export interface Spending {
  /** Known cost of its finished turns (the CLI's figure, else the price table's). */
  costUsd: number;
  /** Finished turns whose cost is unknown (no CLI figure, no price). */
  unknownCostTurns: number;
  /** Time its finished turns ran. */
  busyMs: number;
  turnStartedAt: number | undefined;
  /** Text the running turn has streamed: an estimate of its output tokens until its usage arrives. */
  turnChars: number;
  turnText: string;
  /** Set once a budget stopped the running turn: what was reached. */
  stoppedBy: string | undefined;
  /** What a budget reached in the turn that just ended, for the status that follows it. */
  reached: string | undefined;
  /** Output tokens streamed by turns whose reported usage says less (an interrupted turn reports none). */
  unreported: number;
  /** Tokens spent for it by other agents (its reviewers): they count against its budget. */
  others: number;
  /** Tokens and turns before the current budget period (a pool task): subtracted from the state's totals. */
  base: { tokens: number; turns: number };
}

export function newSpending(): Spending {
  return {
    costUsd: 0,
    unknownCostTurns: 0,
    busyMs: 0,
    turnStartedAt: undefined,
    turnChars: 0,
    turnText: "",
    stoppedBy: undefined,
    reached: undefined,
    unreported: 0,
    others: 0,
    base: { tokens: 0, turns: 0 },
  };
}

/** A turn started (the agent went from idle to running). */
export function turnStarted(s: Spending, now: number): void {
  s.turnStartedAt = now;
  s.turnChars = 0;
  s.turnText = "";
}

/** The agent stopped running (its turns ended). */
export function turnStopped(s: Spending, now: number): void {
  if (s.turnStartedAt !== undefined) s.busyMs += now - s.turnStartedAt;
  s.turnStartedAt = undefined;
}

/** Streamed text of the running turn. */
export function streamed(s: Spending, delta: string): void {
  s.turnChars += delta.length;
  if (s.turnText.length < PARTIAL_CHARS) s.turnText += delta.slice(0, PARTIAL_CHARS - s.turnText.length);
}

/** Charges a turn's cost: the CLI's own figure, else `costOf`'s; the streamed estimate gives way to the real usage. */
export function chargeTurn(s: Spending, record: AgentRecord, reported: number | undefined, usage: Usage, costOf: CostOf | undefined): void {
  const cost = reported ?? costOf?.(record.request.provider, record.state.model ?? record.request.model, usage);
  if (cost === undefined) s.unknownCostTurns += 1;
  else s.costUsd += cost;
  // What was streamed counts even when the turn's own usage leaves it out.
  s.unreported += Math.max(0, Math.ceil(s.turnChars / 4) - usage.output);
  s.turnChars = 0;
}

/** What the agent has spent by `now`, the running turn estimated from its streamed text. */
export function spentOf(record: AgentRecord, now: number, costOf: CostOf | undefined): Spent {
  const s = record.spending;
  const estimate: Usage = { ...ZERO_USAGE, output: Math.ceil(s.turnChars / 4) };
  const running = s.turnChars > 0 ? (costOf?.(record.request.provider, record.state.model ?? record.request.model, estimate) ?? 0) : 0;
  return {
    costUsd: s.costUsd + running,
    tokens: budgetTokens(record.state.usage) + s.unreported + s.others - s.base.tokens + estimate.output,
    turns: record.state.turns - s.base.turns,
    seconds: (s.busyMs + (s.turnStartedAt === undefined ? 0 : now - s.turnStartedAt)) / 1000,
  };
}

/** Where the agent stands against its own budget (none: no warnings, nothing exceeded). */
export function budgetStanding(record: AgentRecord, now: number, costOf: CostOf | undefined): BudgetStanding {
  return standing(record.request.budget, spentOf(record, now, costOf));
}

/** Starts a new budget period: what was spent so far no longer counts (a pool replica's next task). */
export function newPeriod(record: AgentRecord): void {
  const s = record.spending;
  s.costUsd = 0;
  s.unknownCostTurns = 0;
  s.busyMs = 0;
  s.base = { tokens: budgetTokens(record.state.usage) + s.unreported + s.others, turns: record.state.turns };
}

/**
 * Spending follows the events: streamed text estimates the running turn; its end brings the real
 * usage and cost. A turn a budget stopped keeps what it had streamed as its result (a CLI's own
 * word for an interrupt says less).
 */
export function spendOn(record: AgentRecord, event: AgentEvent, costOf: CostOf | undefined): AgentEvent {
  const s = record.spending;
  if (event.type === "text") streamed(s, event.delta);
  if (event.type !== "turn_end") return event;
  chargeTurn(s, record, event.costUsd, event.usage, costOf);
  const stoppedBy = s.stoppedBy;
  if (stoppedBy === undefined) return event;
  s.stoppedBy = undefined;
  s.reached = stoppedBy;
  const partial = s.turnText === "" ? event.result : s.turnText;
  return { ...event, isError: false, result: `${partial}${partial === "" ? "" : "\n"}[stopped: budget ${stoppedBy}]` };
}

/** What a reached budget asks for: interrupt the running turn (once), or park the idle agent; nothing when within it. */
export function budgetStep(record: AgentRecord, now: number, costOf: CostOf | undefined): { interrupt: string } | { park: string } | undefined {
  if (!record.state.alive) return undefined;
  const reached = record.spending.reached;
  record.spending.reached = undefined;
  // A turn stopped at a budget held elsewhere (stopAt) parks even an agent with no budget of its own.
  if (record.request.budget === undefined && reached === undefined) return undefined;
  const exceeded = reached ?? budgetStanding(record, now, costOf).exceeded;
  if (exceeded === undefined) return undefined;
  if (!isRunning(record.state.status)) return { park: exceeded };
  if (record.spending.stoppedBy !== undefined || record.session === undefined) return undefined;
  record.spending.stoppedBy = exceeded;
  return { interrupt: exceeded };
}
