import { objectOf } from "../answers/schemas.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { guard, ok } from "../answers/result.js";

export const ResetInput = { agent: z.string().min(1).describe("Name of a pool agent.") };
export const ResetOutput = { agent: z.string(), stopped_replicas: z.number() };

/** `reset`: ends a pool agent's processes so its next invoke starts fresh; a running task fails clearly. */
export function registerResetTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "reset",
    {
      title: "Reset a pool agent",
      description: "End all of a pool agent's processes; the next invoke starts fresh ones. A task running on it fails with a clear error.",
      inputSchema: objectOf(ResetInput),
      outputSchema: objectOf(ResetOutput),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guard(async () => {
        const catalog = await deps.pool();
        // An agent that became unusable (its file changed, trust revoked) can still have its replicas ended.
        if (!catalog.pool.names().includes(args.agent)) catalog.require(args.agent);
        const count = catalog.pool.list(args.agent).length;
        await catalog.pool.reset(args.agent);
        return ok({ agent: args.agent, stopped_replicas: count }, `Reset ${args.agent}: ${count} replica process(es) ended.`);
      }),
  );
}
