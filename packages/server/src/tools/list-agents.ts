import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { guard, ok } from "./result.js";
import { ProviderSchema, StatusSchema } from "./schemas.js";
import { idleSeconds, round } from "./wire.js";
import { WorktreeOutSchema, type WorktreeOut } from "../worktree-view.js";

const worktreeOf = (w: WorktreeOut | undefined): { worktree?: WorktreeOut } => (w === undefined ? {} : { worktree: w });

export const ListAgentsInput = {
  status: StatusSchema.optional().describe("Only agents in this status."),
};

const AgentRowSchema = z.object({
  agent_id: z.string(),
  label: z.string().optional(),
  provider: ProviderSchema,
  model: z.string().optional(),
  status: StatusSchema,
  alive: z.boolean(),
  idle_seconds: z.number(),
  turns: z.number(),
  cost_usd: z.number().optional(),
  /** Permission requests waiting for respond_permission. */
  pending_permissions: z.number().optional(),
  /** Its worktree (isolation worktree), counts as of its last turn's end. */
  worktree: WorktreeOutSchema.optional(),
});

export const ListAgentsOutput = { agents: z.array(AgentRowSchema) };

/** `list_agents`: every agent of this server, oldest first. */
export function registerListAgentsTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "list_agents",
    {
      title: "List sub-agents",
      description:
        "Every sub-agent of this session with its status, turns, cost and pending permission requests. Optionally only one status (permission_requested: those waiting for respond_permission).",
      inputSchema: ListAgentsInput,
      outputSchema: ListAgentsOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guard(async () => {
        const worktrees = deps.worktrees.made();
        const agents = (await deps.supervisor()).list(args.status).map((v) => ({
          agent_id: v.id,
          ...(v.label === undefined ? {} : { label: v.label }),
          provider: v.provider,
          ...(v.model === undefined ? {} : { model: v.model }),
          status: v.status,
          alive: v.alive,
          idle_seconds: idleSeconds(v),
          turns: v.turns,
          ...(v.costUsd === undefined ? {} : { cost_usd: round(v.costUsd) }),
          ...(v.permissions.length === 0 ? {} : { pending_permissions: v.permissions.length }),
          ...worktreeOf(worktrees?.view(v.id)),
        }));
        const lines = agents.map(
          (a) =>
            `${a.agent_id} ${a.provider} ${a.status}${a.label === undefined ? "" : ` "${a.label}"`} turns=${a.turns}${a.pending_permissions === undefined ? "" : ` asks=${a.pending_permissions}`}${a.worktree === undefined ? "" : ` branch=${a.worktree.branch} changed=${String(a.worktree.changed_files ?? "?")} (${a.worktree.state})`}`,
        );
        return ok({ agents }, agents.length === 0 ? "No agents." : lines.join("\n"));
      }),
  );
}
