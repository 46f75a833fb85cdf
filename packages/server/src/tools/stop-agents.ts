import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { stopAgents } from "../runtime/stop-tree.js";
import { guard, ok } from "../answers/result.js";
import { AgentIdSchema, StatusSchema, objectOf } from "../answers/schemas.js";

const StopAgentsInput = {
  agent_ids: z.array(AgentIdSchema).optional().describe("The agents to stop; none: every agent of this server still running or queued."),
};
const StopAgentsOutput = {
  stopped: z.array(z.object({ agent_id: z.string(), provider: z.string(), status: StatusSchema })),
  unknown: z.array(z.string()).describe("Ids asked for that this server does not know."),
};

/**
 * `stop_agents` (the control endpoint's alone: `subagent-mcp stop` and the dashboard): the user's
 * stop, each agent with everything it started, in parallel, journaled as stopped by the user.
 */
export function registerStopAgentsTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "stop_agents",
    {
      title: "Stop sub-agents (the user's stop)",
      description:
        "Kill the named agents (none named: every agent still running or queued) and everything each started, in parallel; each is journaled as stopped by the user and stays resumable.",
      inputSchema: objectOf(StopAgentsInput),
      outputSchema: objectOf(StopAgentsOutput),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guard(async () => {
        const { stopped, unknown } = await stopAgents(deps, args.agent_ids);
        const rows = stopped.map((view) => ({ agent_id: view.id, provider: view.provider, status: view.status }));
        return ok({ stopped: rows, unknown }, `Stopped ${rows.length} agent(s).${unknown.length > 0 ? ` Unknown here: ${unknown.join(", ")}.` : ""}`);
      }),
  );
}
