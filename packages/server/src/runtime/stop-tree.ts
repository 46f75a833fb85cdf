// Tree kills and the user's stop: the agents an agent started through its own tools run in this
// server and end first (journaled, remote ones ended on their machines), as do the agents of any
// subagent-mcp server its CLI started itself; then the agent's process tree is killed.
import { homedir } from "node:os";
import type { AgentView, Supervisor } from "@subagent-mcp/core";
import { nestedServersDir, stateDir, stopNestedServers } from "@subagent-mcp/state";
import type { ToolDeps } from "../deps.js";

/** Kills agent `id` and everything it started (see {@link stopNestedServers}); `byUser`: as the user's stop. */
export async function killTree(deps: Pick<ToolDeps, "agentServers" | "runtime">, supervisor: Supervisor, id: string, byUser = false): Promise<AgentView> {
  // Those it started here, nearest last: each one's own end leaves none of its children behind.
  const under = (deps.agentServers?.tree.descendants(id) ?? []).reverse();
  const journal = byUser ? (await deps.runtime()).journal : undefined;
  for (const child of under) {
    const view = supervisor.get(child);
    if (!view.alive && view.status !== "queued") continue;
    journal?.stoppedByUser(child);
    await supervisor.kill(child);
  }
  const { pid } = supervisor.get(id);
  // Without a local process (queued, or on a machine of the fleet) its own kill ends what it started.
  if (pid !== undefined) {
    const { descendants } = await import("@subagent-mcp/drivers");
    await stopNestedServers(nestedServersDir(stateDir({ home: homedir(), env: process.env })), id, descendants(pid), byUser);
  }
  return supervisor.kill(id);
}

/** What {@link stopByUser} did: the agents it stopped, and the ids asked for that this server does not know. */
interface Stopped {
  stopped: AgentView[];
  unknown: string[];
}

/**
 * Stops `ids` (undefined: every agent still running or queued) and everything they started, in
 * parallel, each journaled as stopped by the user (resumable like any killed agent); with
 * `byUser` false, as a kill (a nested server's part of a tree kill).
 */
export async function stopAgents(deps: Pick<ToolDeps, "runtime" | "agentServers">, ids?: readonly string[], byUser = true): Promise<Stopped> {
  const { supervisor, journal } = await deps.runtime();
  const views = supervisor.list();
  const known = new Set(views.map((view) => view.id));
  const targets = ids === undefined ? views.filter((view) => view.alive || view.status === "queued").map((view) => view.id) : ids.filter((id) => known.has(id));
  const stopped = await Promise.all(
    targets.map((id) => {
      if (byUser) journal?.stoppedByUser(id);
      return killTree(deps, supervisor, id, byUser);
    }),
  );
  return { stopped, unknown: ids === undefined ? [] : ids.filter((id) => !known.has(id)) };
}
