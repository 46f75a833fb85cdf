import { objectOf } from "../answers/schemas.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListMachinesOutput, machineOut } from "@subagent-mcp/contract";
import { ServerError } from "../errors.js";
import type { ToolDeps } from "../deps.js";
import { guard, ok } from "../answers/result.js";

/** `list_machines`: the live nodes of the fleet, with their providers and free slots. */
export function registerListMachinesTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "list_machines",
    {
      title: "List the fleet's machines",
      description:
        'The live machines that lend their agent CLIs (subagent-mcp node on each, sharing this Redis): each one\'s providers with version and free slots, load and labels. launch_agent {machine: NAME or "any"} runs an agent there.',
      inputSchema: {},
      outputSchema: objectOf(ListMachinesOutput),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    },
    () =>
      guard(async () => {
        if (deps.fleet === undefined)
          throw new ServerError("INVALID_ARGUMENT", "no fleet: set SUBAGENT_MCP_MAILBOX_URL to the Redis every machine shares, and the fleet key");
        const now = Date.now();
        const machines = (await (await deps.fleet()).machines()).map((m) => machineOut(m, now));
        const lines = machines.map(
          (m) =>
            `${m.name} (${m.host}, load ${m.load}): ${m.providers.map((p) => `${p.provider} ${p.version} ${p.free}/${p.cap} free`).join(", ") || "no provider"}`,
        );
        return ok({ machines }, machines.length === 0 ? "No live machine: start `subagent-mcp node` on each machine that lends its CLIs." : lines.join("\n"));
      }),
  );
}
