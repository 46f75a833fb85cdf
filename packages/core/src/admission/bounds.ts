import type { AgentRecord } from "../lifecycle/agent.js";
import { isRunning } from "../lifecycle/state.js";
import type { Provider } from "@subagent-mcp/contract";

// The supervisor's bounds, as pure choices over its records: how many CLI processes stay live per
// provider, and which ended records are freed. The supervisor acts on what these return.

/** Launches waiting per provider before `launch` refuses with QUEUE_FULL. */
export const DEFAULT_MAX_QUEUED = 50;
/** Ended agents whose records (results, tail) are kept; older ones are freed. */
export const DEFAULT_KEEP_ENDED = 200;

/** Live CLIs allowed per provider: `maxLive` (default twice the cap), never below the cap. */
export function liveBound(cap: number, maxLive: number | undefined): number {
  return Math.max(cap, maxLive ?? 2 * cap);
}

/** Records holding a live CLI process of `provider` that count against the bound (pool replicas do not). */
export function liveCount(records: Iterable<AgentRecord>, provider: Provider): number {
  let count = 0;
  for (const r of records) if (counted(r, provider)) count += 1;
  return count;
}

/** The agent to close first to make room: the least recently active one with nothing to do. */
export function idlest(records: Iterable<AgentRecord>, provider: Provider): AgentRecord | undefined {
  let best: AgentRecord | undefined;
  for (const r of records) {
    if (!counted(r, provider) || isRunning(r.state.status) || r.state.pending > 0) continue;
    if (best === undefined || r.state.lastActivityAt < best.state.lastActivityAt) best = r;
  }
  return best;
}

/**
 * Ended records beyond the newest `keep`, oldest end first. A pool replica's record goes only
 * once its owner stopped it: until then the pool may still look at it.
 */
export function freeable(records: Iterable<AgentRecord>, keep: number): AgentRecord[] {
  const ended = [...records].filter((r) => r.endedAt !== undefined && !isRunning(r.state.status) && (r.request.pinned !== true || r.state.stopRequested));
  if (ended.length <= keep) return [];
  return ended.sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0)).slice(0, ended.length - keep);
}

function counted(r: AgentRecord, provider: Provider): boolean {
  // An agent on another machine counts against that machine's bounds, not ours.
  return r.request.provider === provider && r.request.pinned !== true && r.request.placement === undefined && r.session !== undefined && r.state.alive;
}
