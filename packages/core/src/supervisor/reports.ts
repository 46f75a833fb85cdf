import type { AgentRecord, TurnReport } from "../lifecycle/agent.js";
import { describeAttempts, type FailoverAttempt } from "../failover/candidate.js";
import type { AgentState, TurnOutcome } from "../lifecycle/state.js";
import { ZERO_USAGE, type AgentStatus, type Receipt } from "@subagent-mcp/contract";

/**
 * Turn reports: every turn of every agent is reported exactly once, to listeners as it ends and
 * to `wait` (through the record's unreported list) until taken. A record keeps at most
 * `maxUnreported` of them, dropping the oldest.
 */
export class TurnReports {
  readonly #listeners = new Set<(report: TurnReport) => void>();

  constructor(private readonly maxUnreported = 100) {}

  /** Calls `listener` with every report as it is made; returns its removal. */
  listen(listener: (report: TurnReport) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reports turn `turn` of `record`; a failed turn after a failover lists every candidate tried. */
  add(record: AgentRecord, outcome: TurnOutcome, turn: number, status: AgentStatus = record.state.status): void {
    const { attempts } = record.state;
    const result = attempts.length > 0 && outcome.isError ? `${outcome.result}\n${describeAttempts(attempts, record.request)}` : outcome.result;
    const receipt = withAttempts(outcome.receipt, attempts);
    const report: TurnReport = { ...outcome, result, agentId: record.id, status, turn, ...(receipt === undefined ? {} : { receipt }) };
    record.unreported.push(report);
    for (const listener of this.#listeners) listener(report);
    if (record.unreported.length > this.maxUnreported) record.unreported.splice(0, record.unreported.length - this.maxUnreported);
  }

  /** Tells listeners of a turn that was escalated (see {@link TurnReport.superseded}); `wait` never sees it. */
  superseded(record: AgentRecord, outcome: TurnOutcome, turn: number, why: string): void {
    const report: TurnReport = { ...outcome, isError: true, agentId: record.id, status: record.state.status, turn, superseded: why };
    for (const listener of this.#listeners) listener(report);
  }

  /** Removes a turn's report so that `wait` won't report it. */
  take(record: AgentRecord, turn: number): TurnReport | undefined {
    const index = record.unreported.findIndex((r) => r.turn === turn);
    return index < 0 ? undefined : record.unreported.splice(index, 1)[0];
  }
}

/** A task's receipt with the receipts of the attempts it escalated from, oldest first. */
function withAttempts(receipt: Receipt | undefined, attempts: readonly FailoverAttempt[]): Receipt | undefined {
  const earlier = attempts.flatMap((a) => {
    if (a.receipt === undefined) return [];
    const { attempts: _nested, ...own } = a.receipt;
    return [{ ...own, provider: a.provider, ...(a.model === undefined ? {} : { model: a.model }) }];
  });
  return receipt === undefined || earlier.length === 0 ? receipt : { ...receipt, attempts: earlier };
}

/** The outcome of a turn that ended without a turn_end (exit mid-turn, kill, a failed start). */
export function lostTurn(state: AgentState, now: number): TurnOutcome {
  const result = state.status === "stopped" ? "stopped before the turn finished" : (state.lastError?.message ?? "the turn was lost");
  return { result, isError: true, interrupted: false, usage: ZERO_USAGE, costUsd: undefined, durationMs: now - state.lastActivityAt };
}
