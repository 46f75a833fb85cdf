import type { AgentRow, WorktreeOut } from "@subagent-mcp/contract";
import type { AgentView } from "@subagent-mcp/core";
import { idleSeconds, round } from "./wire.js";

/** What list_agents' row and poll_agent's result both say of a live agent: one spelling of core's view on the wire. */
export function agentRow(view: AgentView, worktree: WorktreeOut | undefined): AgentRow {
  // Built field by field in the wire's order (list_agents makes one per live agent per call: no spread copies).
  const out: Record<string, unknown> = { agent_id: view.id };
  if (view.label !== undefined) out.label = view.label;
  out.provider = view.provider;
  if (view.machine !== undefined) out.machine = view.machine;
  if (view.model !== undefined) out.model = view.model;
  out.status = view.status;
  if (view.queuePosition !== undefined) out.queue_position = view.queuePosition;
  out.alive = view.alive;
  out.idle_seconds = idleSeconds(view);
  out.turns = view.turns;
  if (view.costUsd !== undefined) out.cost_usd = round(view.costUsd);
  if (worktree !== undefined) out.worktree = worktree;
  return out as AgentRow;
}
