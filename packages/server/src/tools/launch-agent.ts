import { PermissionRulesSchema } from "@subagent-mcp/permissions";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { LaunchAgentOutput, LaunchOptionsSchema } from "@subagent-mcp/contract";
import { BranchSchema, CATEGORY_DESCRIPTIONS, TaskCategorySchema } from "@subagent-mcp/routing";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { gated } from "@subagent-mcp/core";
import { guard } from "../answers/result.js";
import { objectOf } from "../answers/schemas.js";
import { launchAgent } from "../launch/launch.js";

// Every launch option (contract's, with its description) in its place, besides the prompt and routing's own two;
// the rules' syntax is the permissions package's to check as they come in, under the option's description.
const { provider, model, effort, ...options } = LaunchOptionsSchema.shape;

export const LaunchAgentInput = {
  prompt: z.string().min(1).describe("The task for the sub-agent: its first user message."),
  provider,
  model,
  effort,
  task_category: TaskCategorySchema.optional().describe(
    `Kind of task; picks provider, model and effort from the routing table, with failover. ${Object.entries(CATEGORY_DESCRIPTIONS)
      .map(([k, v]) => `${k}: ${v}`)
      .join("; ")}.`,
  ),
  branch: BranchSchema.optional().describe(
    "Routing branch: cost_efficiency (default: the category's candidates cheapest expected turn first) or performance (strongest first). Either way a provider whose rate-limit window is spent, or a candidate the budget cannot pay for, is skipped.",
  ),
  ...options,
  permissions: PermissionRulesSchema.optional().describe(options.permissions.description ?? ""),
};

/** `launch_agent`: starts (or queues) a sub-agent and returns at once; never waits for its turn. */
export function registerLaunchAgentTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "launch_agent",
    {
      title: "Launch a sub-agent",
      description:
        "Start a sub-agent session on Claude Code, Codex or Gemini CLI with a first prompt. Returns at once with its agent_id (status processing, or queued when the provider is at its concurrency cap). Then use wait, poll_agent, send_message.",
      inputSchema: objectOf(LaunchAgentInput),
      outputSchema: objectOf(LaunchAgentOutput),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args, extra) => guard(() => gated(deps.gate, () => launchAgent(deps, args, extra))),
  );
}
