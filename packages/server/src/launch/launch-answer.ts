// launch_agent's answer once the agent is launched: the structured result (the route, the ranking
// and why, the escalation ladder, where the agent works) and the sentence a host reads. Apart from
// launch-agent.ts, which decides and starts: this only describes what was decided, with no I/O.
import type { AgentView } from "@subagent-mcp/core";
import type { SandboxStatus, WorktreeOut } from "@subagent-mcp/contract";
import { describeCandidate, type Candidate, type Ranking, type Route } from "@subagent-mcp/routing";
import type { escalationFor } from "./routing-choice.js";
import { describeWorktree } from "./worktree-view.js";
import { definedFields } from "@subagent-mcp/contract/fields";

/** What the launch decided and what the supervisor made of it. */
export interface Launched {
  view: AgentView;
  route: Route;
  chosen: Candidate;
  /** The candidates a failover tries next, in order. */
  fallbacks: Candidate[];
  ranking: Ranking;
  /** Candidates left out because they could not be placed. */
  unplaced: { provider: string; reason: string }[];
  escalation: ReturnType<typeof escalationFor>;
  child: { id: string; messaging: boolean };
  /** The agent's worktree here, if it has one. */
  isolated: { view: WorktreeOut } | undefined;
  /** Whether it asked for a worktree (made here, or by its node on another machine). */
  worktree: boolean;
  /** What keeps our secrets out of its reach, when it runs here. */
  sandbox: SandboxStatus | undefined;
}

/** launch_agent's structured result and its text. */
export function launchAnswer(l: Launched): { out: Record<string, unknown>; text: string } {
  const { view, route, chosen, ranking, escalation, isolated } = l;
  const out = {
    agent_id: view.id,
    ...definedFields({ category: route.category }),
    branch: route.branch,
    candidate: chosen,
    fallbacks: l.fallbacks,
    skipped: [...route.skipped, ...ranking.skipped, ...l.unplaced],
    ranking: ranking.ranked.map(({ candidate, ...why }) => ({ ...candidate, ...why })),
    ...(escalation === undefined ? {} : { escalation: { on: escalation.on, ...definedFields({ check: escalation.check }), ladder: escalation.ladder } }),
    status: view.status,
    provider: view.provider,
    ...definedFields({ machine: view.machine, model: view.model, effort: view.effort, session_id: view.sessionId, queue_position: view.queuePosition }),
    ...(l.child.messaging ? { mailbox: l.child.id } : {}),
    ...(isolated === undefined ? {} : { worktree: isolated.view }),
    ...definedFields({ sandbox: l.sandbox }),
  };
  const where = view.status === "queued" ? `queued at position ${String(view.queuePosition)}` : view.status;
  const via = route.category === undefined ? "" : ` for ${route.category} (${route.branch})`;
  const place =
    isolated !== undefined ? ` in ${describeWorktree(isolated.view)}` : l.worktree ? ` in a worktree of its own on ${chosen.machine ?? "its machine"}` : "";
  const climb =
    escalation === undefined
      ? ""
      : escalation.ladder.length === 0
        ? " No stronger candidate to escalate to."
        : ` Escalates on ${escalationTrigger(escalation)} to ${escalation.ladder.map(describeCandidate).join(", then ")}.`;
  const why = ranking.ranked[0] === undefined ? "" : rankNote(ranking.ranked[0]);
  const held = [...new Set(ranking.skipped.filter((s) => s.rule === "over_quota").map((s) => s.reason))];
  const hold = held.length === 0 ? "" : ` Held by quota_percent: ${held.join("; ")}.`;
  const bare =
    l.sandbox?.kind === "none"
      ? ` Its CLI runs without an OS sandbox (${l.sandbox.reason ?? "none"}): our secrets and state are kept from it by permission rules only.`
      : "";
  const text = `Launched agent ${view.id} on ${describeCandidate(chosen)}${via} (${where})${place}${why}; ${l.fallbacks.length} fallback candidate(s).${climb}${hold}${bare}`;
  return { out, text };
}

// Why the first candidate was chosen, in a few words.
function rankNote(first: { rule: string; expected_cost_usd?: number; headroom: string }): string {
  const cost = first.expected_cost_usd === undefined ? "" : `, about $${first.expected_cost_usd.toFixed(4)} a turn`;
  if (first.rule === "cost") return ` (cheapest expected turn${cost})`;
  if (first.rule === "over_budget") return ` (no candidate fits the budget left; the cheapest${cost})`;
  if (first.rule === "exhausted") return ` (every provider's rate-limit window is spent: ${first.headroom})`;
  return "";
}

// What hands the task on: an error, a suspect answer, a failed check.
function escalationTrigger(e: { on: string; check?: string }): string {
  const check = e.on === "error" || e.check === undefined ? "" : `a failed \`${e.check}\``;
  if (e.on === "suspect") return `an error, a suspect answer${check === "" ? "" : ` or ${check}`}`;
  return check === "" ? "an error" : check;
}
