import type { AgentRow, WorktreeOut } from "@subagent-mcp/contract";
import type { AgentView } from "@subagent-mcp/core";
import { idleSeconds, round } from "./wire.js";

/** What list_agents adds to a live agent's row (poll_agent says these otherwise). */
export interface ListedExtras {
  tokens: number | undefined;
  pendingPermissions: number | undefined;
  budgetNote: string | undefined;
}

/**
 * A row as the wire has it, every field set in its constructor in the wire's order: V8 then gives
 * each row room for all of them at once, where an object literal grown field by field is copied
 * again at every few fields (list_agents makes one per live agent per call). Only the fields
 * present are set (JSON and the schema see a plain object's fields).
 */
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- made for its constructor alone (see above)
class WireRow {
  constructor(view: AgentView, worktree: WorktreeOut | undefined, listed: ListedExtras | undefined) {
    const row = this as Record<string, unknown>;
    row.agent_id = view.id;
    if (view.label !== undefined) row.label = view.label;
    row.provider = view.provider;
    if (view.machine !== undefined) row.machine = view.machine;
    if (view.model !== undefined) row.model = view.model;
    row.status = view.status;
    if (view.queuePosition !== undefined) row.queue_position = view.queuePosition;
    row.alive = view.alive;
    row.idle_seconds = idleSeconds(view);
    row.turns = view.turns;
    if (view.costUsd !== undefined) row.cost_usd = round(view.costUsd);
    if (worktree !== undefined) row.worktree = worktree;
    if (listed === undefined) return;
    if (listed.tokens !== undefined) row.tokens = listed.tokens;
    if (listed.pendingPermissions !== undefined) row.pending_permissions = listed.pendingPermissions;
    row.cwd = view.cwd;
    if (listed.budgetNote !== undefined) row.budget_note = listed.budgetNote;
  }
}

/**
 * What list_agents' row and poll_agent's result both say of a live agent: one spelling of core's
 * view on the wire; with `listed`, list_agents' own fields after them (tokens, pending
 * permissions, cwd, budget note).
 */
export function agentRow(view: AgentView, worktree: WorktreeOut | undefined, listed?: ListedExtras): AgentRow {
  return new WireRow(view, worktree, listed) as unknown as AgentRow;
}
