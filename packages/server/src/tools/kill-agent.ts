import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { KillAgentOutput, definedFields } from "@subagent-mcp/contract";
import type { ToolDeps } from "../deps.js";
import { guard, ok } from "../answers/result.js";
import { AgentIdSchema, objectOf } from "../answers/schemas.js";
import { describeWorktree } from "../launch/worktree-view.js";
import { killTree } from "../runtime/stop-tree.js";

export const KillAgentInput = {
  agent_id: AgentIdSchema,
  tree: z
    .boolean()
    .optional()
    .describe("Also end everything it started, first: the agents of its nested subagent-mcp server (on this machine or the fleet), each journaled as killed."),
};
/** `kill_agent`: ends the agent's whole process tree at once (with `tree`, its nested server's agents first). */
export function registerKillAgentTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "kill_agent",
    {
      title: "Kill a sub-agent",
      description:
        "End the sub-agent's whole process tree at once. Its pending permission requests are denied first. Its session cannot take follow-ups afterwards. With tree: true, the agents it started (through its own subagent-mcp server) are ended first. An isolated agent's worktree is removed if it holds no work, else kept on its branch (the result says which).",
      inputSchema: objectOf(KillAgentInput),
      outputSchema: objectOf(KillAgentOutput),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guard(async () => {
        const { supervisor, worktrees } = await deps.runtime();
        const view = args.tree === true ? await killTree(deps, supervisor, args.agent_id) : await supervisor.kill(args.agent_id);
        const worktree = (await worktrees.fresh(view.id)) ?? view.remoteWorktree;
        return ok(
          { agent_id: view.id, status: view.status, alive: view.alive, ...definedFields({ worktree }) },
          `Killed ${view.id}.${worktree === undefined ? "" : ` Its ${describeWorktree(worktree)}.`}`,
        );
      }),
  );
}
