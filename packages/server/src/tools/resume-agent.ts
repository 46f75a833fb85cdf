import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { BudgetSchema, gated } from "@subagent-mcp/core";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { WorktreeOutSchema } from "@subagent-mcp/contract";
import { guard } from "../answers/result.js";
import { AgentIdSchema, ProviderSchema, StatusSchema, objectOf } from "../answers/schemas.js";
import { resumeAgent } from "../launch/resume.js";

export const ResumeAgentInput = {
  agent_id: AgentIdSchema,
  prompt: z.string().min(1).optional().describe("What to do now (default: go on with what it was doing)."),
  budget: BudgetSchema.optional().describe(
    "New limits for the resumed agent, counted from now. Default: the limits it was launched with, less what it already spent (a resume that has nothing left is refused).",
  ),
};

export const ResumeAgentOutput = {
  agent_id: z.string(),
  status: StatusSchema,
  provider: ProviderSchema,
  machine: z.string().optional().describe("The machine of the fleet it runs on (where its conversation is saved), when not this one."),
  session_id: z.string().optional(),
  how: z.enum(["woke", "resumed"]).describe("woke: it was hibernated in this server; resumed: a new CLI process on its journaled conversation."),
  prior_turns: z.number().optional(),
  was: z.string().optional().describe("How its previous session ended."),
  in_flight: z.string().optional().describe("The prompt of the turn it was in when it stopped, if any."),
  worktree: WorktreeOutSchema.optional(),
};

/**
 * `resume_agent`: picks an agent up again under the same id: a hibernated one wakes; an ended one
 * (of this server or an earlier one, from the journal) gets a new CLI process on its conversation,
 * in the same cwd or worktree, with the same permissions.
 */
export function registerResumeAgentTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "resume_agent",
    {
      title: "Resume a sub-agent",
      description:
        "Continue an agent that ended (killed, its server restarted or crashed; list_agents {include_past: true} shows them) or hibernated, under the same agent_id: a new CLI process on the same conversation, same cwd or worktree and permissions. Its first message tells it it was interrupted and what was in flight. Returns at once; then wait.",
      inputSchema: objectOf(ResumeAgentInput),
      outputSchema: objectOf(ResumeAgentOutput),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args, extra) => guard(() => gated(deps.gate, () => resumeAgent(deps, args, extra))),
  );
}
