import type { AgentRow, WorktreeOut } from "@subagent-mcp/contract";
import type { AgentView } from "@subagent-mcp/core";
import { idleSeconds, round } from "./wire.js";
import { definedFields } from "@subagent-mcp/contract/fields";

/** What list_agents' row and poll_agent's result both say of a live agent: one spelling of core's view on the wire. */
export function agentRow(view: AgentView, worktree: WorktreeOut | undefined) {
  return {
    agent_id: view.id,
    ...definedFields({ label: view.label }),
    provider: view.provider,
    ...definedFields({ machine: view.machine, model: view.model }),
    status: view.status,
    ...definedFields({ queue_position: view.queuePosition }),
    alive: view.alive,
    idle_seconds: idleSeconds(view),
    turns: view.turns,
    ...(view.costUsd === undefined ? {} : { cost_usd: round(view.costUsd) }),
    ...definedFields({ worktree }),
  } satisfies AgentRow;
}
