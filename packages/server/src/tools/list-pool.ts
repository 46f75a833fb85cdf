import { objectOf } from "../answers/schemas.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListPoolOutput, type Replica, definedFields } from "@subagent-mcp/contract";
import type { ReplicaView } from "@subagent-mcp/core";
import type { ToolDeps } from "../deps.js";
import { guard, ok } from "../answers/result.js";

/** A replica on the wire. */
export function replicaOut(r: ReplicaView): Replica {
  const status = r.status;
  return {
    replica: r.replica,
    ...definedFields({ agent_id: r.agentId, pid: r.pid, status }),
    busy: r.busy,
    turns_served: r.turnsServed,
    ...definedFields({ rss_mb: r.rssMb, machine: r.machine }),
  };
}

/** `list_pool`: every defined pool agent with its replicas (pid, status, turns served, RSS). */
export function registerListPoolTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "list_pool",
    {
      title: "List the pool",
      description:
        "The named agents of the pool, where each is defined, and their replicas: pid, status, tasks served and process-tree RSS in MB. Also lists definition files that failed to load.",
      inputSchema: {},
      outputSchema: objectOf(ListPoolOutput),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    () =>
      guard(async () => {
        const catalog = await deps.pool();
        const { worktrees } = await deps.runtime();
        const agents = catalog.definitions().map((d) => ({
          agent: d.name,
          ...definedFields({ description: d.description }),
          file: d.file,
          provider: d.provider,
          ...definedFields({ model: d.model }),
          max_replicas: d.replicas,
          ...definedFields({ isolation: d.isolation, machine: d.machine }),
          replicas: catalog.pool.list(d.name).map((r) => {
            const worktree = r.agentId === undefined ? undefined : worktrees.view(r.agentId);
            return { ...replicaOut(r), ...definedFields({ worktree }) };
          }),
        }));
        const problems = catalog.problems();
        const lines = agents.map(
          (a) => `${a.agent} (${a.provider}${a.machine === undefined ? "" : ` on ${a.machine}`}) ${a.replicas.length}/${a.max_replicas} replica(s) warm`,
        );
        return ok({ agents, problems }, [...lines, ...problems.map((p) => `problem: ${p}`)].join("\n") || "No pool agents defined.");
      }),
  );
}
