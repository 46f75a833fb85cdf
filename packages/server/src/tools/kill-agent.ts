import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { guard, ok } from "./result.js";
import { AgentIdSchema, StatusSchema } from "./schemas.js";

export const KillAgentInput = { agent_id: AgentIdSchema };
export const KillAgentOutput = { agent_id: z.string(), status: StatusSchema, alive: z.boolean() };

/** `kill_agent`: ends the agent's whole process tree at once. */
export function registerKillAgentTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "kill_agent",
    {
      title: "Kill a sub-agent",
      description:
        "End the sub-agent's whole process tree at once. Its pending permission requests are denied first. Its session cannot take follow-ups afterwards.",
      inputSchema: KillAgentInput,
      outputSchema: KillAgentOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guard(async () => {
        const view = await (await deps.supervisor()).kill(args.agent_id);
        return ok({ agent_id: view.id, status: view.status, alive: view.alive }, `Killed ${view.id}.`);
      }),
  );
}
