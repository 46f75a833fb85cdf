import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { guard, ok } from "../answers/result.js";
import { AgentIdSchema, StatusSchema, objectOf } from "../answers/schemas.js";

export const InterruptAgentInput = { agent_id: AgentIdSchema };
export const InterruptAgentOutput = { agent_id: z.string(), status: StatusSchema, alive: z.boolean() };

/** `interrupt_agent`: ends the running turn; the session stays for follow-ups. */
export function registerInterruptAgentTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "interrupt_agent",
    {
      title: "Interrupt a sub-agent's turn",
      description:
        "End the sub-agent's current turn now; its session stays alive for send_message. Its pending permission requests are denied. A queued launch is cancelled.",
      inputSchema: objectOf(InterruptAgentInput),
      outputSchema: objectOf(InterruptAgentOutput),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guard(async () => {
        const view = await (await deps.runtime()).supervisor.interrupt(args.agent_id);
        return ok({ agent_id: view.id, status: view.status, alive: view.alive }, `Interrupt sent to ${view.id}; it is ${view.status}.`);
      }),
  );
}
