import type { AgentRecord, LaunchRequest } from "../lifecycle/agent.js";
import type { FailoverAttempt } from "./candidate.js";
import { definedFields } from "@subagent-mcp/contract/fields";

// Failover, as pure decisions over a record: whether a failed first turn moves to the next
// candidate, and what that move is. The supervisor swaps the sessions; the reducer's `failover`
// action restarts the lifecycle.

/** What a failover changes: the request for the next candidate, the attempt left behind, the texts to replay. */
export interface FailoverPlan {
  request: LaunchRequest;
  attempt: FailoverAttempt;
  /** The first turn's early follow-ups, sent after the prompt (which the request carries). */
  backlog: string[];
}

/**
 * Only the first turn fails over, and only on an error its driver marked transient: a later turn
 * has history the next CLI does not have, and a permanent error would fail there too. A stopped
 * or interrupted turn, a launch without candidates left or without a first turn to replay stay put.
 */
export function shouldFailOver(record: AgentRecord, outcome: { isError: boolean; interrupted: boolean }, turn: number): boolean {
  if (turn !== 1 || !outcome.isError || outcome.interrupted || record.state.stopRequested) return false;
  if ((record.request.fallbacks ?? []).length === 0 || record.firstTurn.length === 0) return false;
  return record.state.lastError?.transient === true;
}

/** The move to the next candidate, replaying the first turn there; undefined when none is left. */
export function planFailover(record: AgentRecord, reason: string): FailoverPlan | undefined {
  const { request, firstTurn } = record;
  const [next, ...rest] = request.fallbacks ?? [];
  const [prompt, ...backlog] = firstTurn;
  if (next === undefined || prompt === undefined) return undefined;
  // Each candidate runs where it says: the next one's machine (or this one), not the failed one's.
  const { model: _m, effort: _e, placement, ...base } = request;
  return {
    request: {
      ...base,
      provider: next.provider,
      fallbacks: rest,
      prompt,
      ...definedFields({ model: next.model, effort: next.effort, placement: next.placement }),
    },
    attempt: {
      provider: request.provider,
      model: request.model,
      effort: request.effort,
      ...(placement === undefined ? {} : { machine: record.session?.machine ?? placement.machine }),
      reason,
    },
    backlog,
  };
}
