import { objectOf } from "../answers/schemas.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { gated } from "@subagent-mcp/core";
import { guard, ok } from "../answers/result.js";
import { ReplicaSchema } from "@subagent-mcp/contract";
import { replicaOut } from "./list-pool.js";
import { refuseHeldPoolAgent } from "../launch/held-agents.js";

export const WarmupInput = {
  agent: z.string().min(1).describe("Name of a pool agent."),
  replicas: z.number().int().min(1).max(16).optional().describe("How many replicas to have warm (default: the agent's own count)."),
};

export const WarmupOutput = { agent: z.string(), replicas: z.array(ReplicaSchema) };

/** `warmup`: starts an agent's replicas now, so its next tasks skip start-up. */
export function registerWarmupTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "warmup",
    {
      title: "Warm up a pool agent",
      description: "Start a pool agent's replica processes now so that its next tasks start without paying CLI start-up.",
      inputSchema: objectOf(WarmupInput),
      outputSchema: objectOf(WarmupOutput),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guard(() =>
        gated(deps.gate, async () => {
          const catalog = await deps.pool();
          await refuseHeldPoolAgent(deps, await deps.runtime(), catalog.startable(args.agent));
          const replicas = catalog.pool.warmup(args.agent, args.replicas).map(replicaOut);
          return ok({ agent: args.agent, replicas }, `${args.agent}: ${replicas.length} replica(s) warm.`);
        }),
      ),
  );
}
