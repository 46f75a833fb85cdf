import { z } from "zod";
import { PermissionOutSchema } from "./wire.js";
import { RecordedUsageSchema } from "../tokens.js";
import { ReceiptSchema } from "./receipt.js";
import { WorktreeOutSchema } from "./worktree.js";
import { AgentStatusSchema } from "../status.js";
import { ProviderSchema } from "../provider.js";

// What list_pool and invoke return.

export const ReplicaSchema = z.object({
  replica: z.number(),
  agent_id: z.string().optional(),
  pid: z.number().optional(),
  status: AgentStatusSchema.optional(),
  busy: z.boolean(),
  turns_served: z.number(),
  rss_mb: z.number().optional(),
  /** The machine of the fleet it runs on, when not this one. */
  machine: z.string().optional(),
  /** Its worktree (definitions with isolation: worktree), and where the last task's work went. */
  worktree: WorktreeOutSchema.optional(),
});
export type Replica = z.infer<typeof ReplicaSchema>;

export const ListPoolOutput = {
  agents: z.array(
    z.object({
      agent: z.string(),
      description: z.string().optional(),
      file: z.string(),
      provider: ProviderSchema,
      model: z.string().optional(),
      max_replicas: z.number(),
      isolation: z.enum(["none", "worktree"]).optional(),
      /** Where its replicas run when not here: a machine of the fleet, or any. */
      machine: z.string().optional(),
      replicas: z.array(ReplicaSchema),
    }),
  ),
  problems: z.array(z.string()),
};

export const InvokeOutput = {
  status: z.enum(["done", "running"]),
  agent_id: z.string(),
  replica: z.number(),
  result: z.string().optional(),
  result_chars: z.number().optional().describe("Set when result is cut: its full length; poll_agent with offset reads on."),
  is_error: z.boolean().optional(),
  usage: RecordedUsageSchema.optional(),
  cost_usd: z.number().optional(),
  duration_ms: z.number().optional(),
  receipt: ReceiptSchema.optional().describe(
    "What the turn did, from what was seen (tool events, permission answers, git), never from its text; suspect lists claims of its text the facts do not back.",
  ),
  permission_requests: z
    .array(PermissionOutSchema)
    .optional()
    .describe("Set when the task waits for permission: answer each with respond_permission (agent_id, request_id)."),
  work: z
    .union([z.object({ branch: z.string(), commit: z.string(), changed_files: z.number() }), z.object({ error: z.string() })])
    .optional()
    .describe(
      "Agents with isolation worktree: the branch that holds this task's changes (absent when it changed nothing); the replica's worktree is back at its base.",
    ),
  attempts: z
    .array(
      z.object({
        agent_id: z.string(),
        /** Set on the pool replica's attempt. */
        replica: z.number().optional(),
        provider: ProviderSchema,
        model: z.string().optional(),
        effort: z.string().optional(),
        reason: z.string(),
        /** Its answer (clipped). */
        result: z.string().optional(),
        check: z.object({ command: z.string(), exit_code: z.number().nullable(), output_tail: z.string(), duration_ms: z.number() }).optional(),
        cost_usd: z.number().optional(),
      }),
    )
    .optional()
    .describe(
      "Set when the definition's escalate handed the task to a stronger candidate: the attempts that did not succeed, first the pool replica's, with why (its error, or the check's exit code and output tail). agent_id is then the stronger agent whose answer this is.",
    ),
};
