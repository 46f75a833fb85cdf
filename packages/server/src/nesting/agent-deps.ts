// A sub-agent's own tools are the server's tools with its scope for deps: one level deeper, within
// what it was granted, speaking for its mailbox, seeing only the agents under it, its launches
// joining the tree under it. The same code serves the orchestrator and every agent of the tree.
import { withinCeiling } from "@subagent-mcp/permissions";
import type { Tracer } from "@subagent-mcp/tracing";
import type { ToolDeps } from "../deps.js";
import { ServerError } from "../errors.js";
import type { AgentScope, AgentTree } from "./agent-tree.js";
import { scopedRuntime } from "./agent-runtime.js";

type Shared = Omit<ToolDeps, "delivery" | "tasks" | "clientName">;

/** The toolsets a sub-agent's own server offers of the orchestrator's: not the orchestrator's switch, nor the warm pool (whose replicas are the orchestrator's). */
export const AGENT_TOOLSETS = new Set(["sessions", "messaging"]);

/**
 * The deps agent `scope.id`'s tools act with. `lifeOf`: its life span's traceparent while tracing is
 * on: a call its CLI makes without a trace of its own continues the tree's, as a child of the agent.
 */
export function agentShared(shared: Shared, scope: AgentScope, tree: AgentTree, lifeOf?: (id: string) => string | undefined): Shared {
  return {
    ...shared,
    tracer: lifeOf === undefined ? shared.tracer : underAgent(shared.tracer, () => lifeOf(scope.id)),
    runtime: async () => scopedRuntime(await shared.runtime(), scope, tree),
    depth: scope.depth,
    ceiling: scope.ceiling,
    lineage: scope.lineage,
    permissions: withinCeiling(shared.permissions, scope.ceiling),
    launchedBy: scope.id,
    messaging: shared.messaging === undefined ? undefined : { mail: shared.messaging.mail, self: scope.id },
    pool: () => Promise.reject(new ServerError("INVALID_ARGUMENT", "the warm pool is the orchestrator's: a sub-agent starts agents with launch_agent")),
  };
}

// A tracer whose spans without a parent are the agent's life's children.
function underAgent(tracer: Tracer, life: () => string | undefined): Tracer {
  if (!tracer.on) return tracer;
  return {
    on: true,
    start: (name, options) => tracer.start(name, { ...options, parent: options?.parent ?? life() }),
    flush: () => tracer.flush(),
    shutdown: () => tracer.shutdown(),
  };
}
