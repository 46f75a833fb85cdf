import { z } from "zod";
import { EscalateOnSchema } from "./launch/escalate.js";
import { SandboxStatusSchema } from "./wire/sandbox.js";
import { FinishedTurnSchema, PermissionOutSchema } from "./wire/wire.js";
import { WorktreeOutSchema } from "./wire/worktree.js";
import { AgentStatusSchema } from "./status.js";
import { ProviderSchema } from "./provider.js";

// What launch_agent, wait and kill_agent return: the results the demo and the bench read.

const CandidateOut = z.object({
  provider: ProviderSchema,
  model: z.string().optional(),
  effort: z.string().optional(),
  machine: z.string().optional().describe("The machine of the fleet it runs on (a node, or any), when not this one."),
});

export const LaunchAgentOutput = {
  agent_id: z.string(),
  category: z.string().optional(),
  branch: z.string(),
  candidate: CandidateOut,
  fallbacks: z.array(CandidateOut),
  skipped: z.array(z.object({ provider: ProviderSchema, model: z.string().optional(), reason: z.string(), rule: z.string().optional() })),
  ranking: z
    .array(
      CandidateOut.extend({
        expected_cost_usd: z.number().optional().describe("What a typical turn of this category is expected to cost on it."),
        tokens: z.enum(["candidate", "category", "default"]).optional().describe("Whose past turns the expected tokens come from."),
        headroom: z.string().describe("Its provider's tightest rate-limit window: ok, unknown, or how much is used."),
        rule: z.string().describe("Why it sits there: asked, cost, table, unpriced, headroom, over_budget or exhausted."),
      }),
    )
    .optional()
    .describe("The candidates in the order they are tried, and why."),
  escalation: z
    .object({ on: EscalateOnSchema, check: z.string().optional(), ladder: z.array(CandidateOut) })
    .optional()
    .describe("Where the task goes if its first turn errs or fails its check: the stronger candidates, in order."),
  status: AgentStatusSchema,
  provider: ProviderSchema,
  machine: z.string().optional().describe("The machine of the fleet it runs on, when not this one."),
  model: z.string().optional(),
  effort: z.string().optional(),
  session_id: z.string().optional(),
  queue_position: z.number().optional(),
  mailbox: z.string().optional().describe("The sub-agent's mailbox name: send_to it, and its messages to you arrive in your inbox."),
  worktree: WorktreeOutSchema.optional().describe("With isolation worktree: where the sub-agent works, and on which branch."),
  sandbox: SandboxStatusSchema.optional().describe(
    "What keeps our secrets and private state out of its reach: an OS sandbox (bwrap, sandbox-exec, inherited), or none (rules only, and why). Absent on another machine: its node's own.",
  ),
};

/** A change on a team board the orchestrator hears of: tasks done, failed, sent back or in review, a member gone, the board all done. */
export const BoardEventSchema = z.object({
  board: z.string(),
  kind: z.enum(["done", "failed", "sent_back", "in_review", "member_ended", "all_done"]),
  keys: z.array(z.string()),
  detail: z.string().optional(),
});
export type BoardEvent = z.infer<typeof BoardEventSchema>;

export const WaitOutput = {
  finished: z.array(FinishedTurnSchema),
  still_running: z.array(z.string()),
  timed_out: z.boolean(),
  /** Messages waiting in this agent's inbox (read them with inbox): a sub-agent may be asking something. */
  messages_waiting: z.number().optional(),
  /** New permission requests (each reported once): the agent waits until respond_permission answers. */
  permission_requests: z.array(PermissionOutSchema.extend({ agent_id: z.string() })).optional(),
  /** What happened on the team boards since the last wait (each event reported once). */
  board: z.array(BoardEventSchema).optional(),
};

export const KillAgentOutput = {
  agent_id: z.string(),
  status: AgentStatusSchema,
  alive: z.boolean(),
  worktree: WorktreeOutSchema.optional().describe("Its worktree once released: removed when it held no work, else kept on its branch."),
};
