import { z } from "zod";
import { BudgetOutSchema, PendingPermissionOutSchema, WireStatusSchema } from "./wire.js";
import { RecordedUsageSchema } from "../tokens.js";
import { ReceiptSchema } from "./receipt.js";
import { WorktreeOutSchema } from "./worktree.js";
import { AgentStatusSchema } from "../status.js";
import { ProviderSchema } from "../provider.js";

// What list_agents and poll_agent return: the results the dashboard, the demo and the bench read.

/** One agent as list_agents shows it (a live one, or with include_past one of an earlier server). */
const AgentRowSchema = z.object({
  agent_id: z.string(),
  label: z.string().optional(),
  provider: ProviderSchema,
  machine: z.string().optional().describe("The machine of the fleet it runs on, when not this one."),
  model: z.string().optional(),
  status: WireStatusSchema,
  queue_position: z.number().optional().describe("While queued: its place in the line for a slot (here, or on its machine), 1 is next."),
  alive: z.boolean(),
  idle_seconds: z.number().optional(),
  turns: z.number(),
  cost_usd: z.number().optional(),
  tokens: z.number().optional().describe("Input and output tokens so far (cache reads not counted)."),
  /** Permission requests waiting for respond_permission. */
  pending_permissions: z.number().optional(),
  /** Its worktree (isolation worktree), counts as of its last turn's end. */
  worktree: WorktreeOutSchema.optional(),
  cwd: z.string().optional(),
  budget_note: z.string().optional().describe("Its budget: the limit it reached, or those past 80 %."),
  past: z.boolean().optional().describe("An agent of an earlier server (include_past): resume_agent picks it up again."),
  why: z.string().optional().describe("Past agents: how it ended."),
  last_at: z.string().optional(),
});
export type AgentRow = z.infer<typeof AgentRowSchema>;

const PredecessorSchema = z.object({
  pid: z.number(),
  how: z.enum(["exited", "crashed"]),
  agents: z.array(z.object({ agent_id: z.string(), label: z.string().optional(), status: z.string(), turns: z.number(), why: z.string() })),
});

export const ListAgentsOutput = {
  agents: z.array(AgentRowSchema).describe("One page: live agents first (oldest launch first), then past ones (newest first)."),
  total: z.number().optional().describe("Rows matching the filters, on every page."),
  total_past: z.number().optional().describe("With include_past: how many of them are past agents."),
  next_cursor: z.string().optional().describe("More rows follow: list_agents with this cursor (and the same filters) gives the next page."),
  predecessor: PredecessorSchema.optional().describe(
    "Said once, on this server's first list_agents: the agents the previous server of this project left, and how it stopped.",
  ),
};

const RecentSchema = z.object({ kind: z.string(), summary: z.string(), seconds_ago: z.number() });

export const PollAgentOutput = {
  agent_id: z.string(),
  label: z.string().optional(),
  provider: ProviderSchema,
  machine: z.string().optional().describe("The machine of the fleet it runs on, when not this one."),
  model: z.string().optional(),
  status: AgentStatusSchema,
  alive: z.boolean(),
  idle_seconds: z.number(),
  turns: z.number(),
  last_result: z.string().optional(),
  last_receipt: ReceiptSchema.optional().describe(
    "What the last turn did, from what was seen (tool events, permission answers, git); suspect lists claims of its text the facts do not back.",
  ),
  /** Set when last_result is one page of a longer result: the whole length. */
  last_result_chars: z.number().optional(),
  /** Where the next page of last_result starts (poll_agent with offset); absent on the last page. */
  next_offset: z.number().optional(),
  recent: z.array(RecentSchema),
  output_tail: z.string(),
  usage: RecordedUsageSchema,
  cost_usd: z.number().optional(),
  queued_messages: z.number(),
  queue_position: z.number().optional().describe("While queued: its place in the line for a slot (here, or on its machine), 1 is next."),
  /** Permission requests the agent waits on (answer with respond_permission), oldest first. */
  pending_permissions: z.array(PendingPermissionOutSchema).optional(),
  /** With sub-agent messaging: whether it called the messaging server it was handed (known once it called, or after its first turn). */
  messaging: z.enum(["connected", "not_connected"]).optional(),
  hint: z.string().optional(),
  /** Candidates that failed transiently and were replaced by the current one (auto mode). */
  failover: z
    .array(
      z.object({
        provider: ProviderSchema,
        model: z.string().optional(),
        effort: z.string().optional(),
        machine: z.string().optional(),
        reason: z.string(),
        kind: z.enum(["failover", "escalation"]).optional(),
        /** An escalated attempt's answer (clipped). */
        result: z.string().optional(),
        check: z.object({ command: z.string(), exit_code: z.number().nullable(), output_tail: z.string(), duration_ms: z.number() }).optional(),
        cost_usd: z.number().optional(),
      }),
    )
    .optional(),
  mcp_servers: z.array(z.string()).optional().describe("The MCP servers it was handed (its messaging server and yours), by name."),
  mcp_failed: z
    .array(z.object({ server: z.string(), error: z.string() }))
    .optional()
    .describe("MCP servers it was given that did not start, as its CLI said: it works without their tools."),
  /** The check command running on its first turn's work (escalate on check). */
  checking: z.string().optional(),
  worktree: WorktreeOutSchema.optional().describe("With isolation worktree: where it works and what its worktree holds."),
  budget: BudgetOutSchema.optional(),
};

/** A machine of the fleet as it tells of itself in each heartbeat (a fleet node's, signed). */
export const NodeInfoSchema = z.object({
  name: z.string(),
  host: z.string(),
  pid: z.number(),
  /** Each provider it can run: its CLI's version, its cap, and how many slots are free now. */
  providers: z.array(z.object({ provider: z.string(), version: z.string(), cap: z.number(), free: z.number() })),
  load: z.number().describe("1-minute load average per core."),
  labels: z.array(z.string()),
  startedAt: z.number(),
  /** When it said so (its clock). */
  at: z.number(),
});
export type NodeInfo = z.infer<typeof NodeInfoSchema>;

/** One live machine of the fleet, as list_machines shows it: its heartbeat, aged. */
export const MachineSchema = NodeInfoSchema.pick({ name: true, host: true, providers: true, load: true, labels: true }).extend({
  seconds_since_heartbeat: z.number(),
});
export type Machine = z.infer<typeof MachineSchema>;

/** A node's last heartbeat as list_machines, `machines --json` and the dashboard show it. */
export function machineOut(n: Omit<NodeInfo, "pid" | "startedAt">, now = Date.now()): Machine {
  return {
    name: n.name,
    host: n.host,
    providers: n.providers.map((p) => ({ provider: p.provider, version: p.version, cap: p.cap, free: p.free })),
    load: n.load,
    labels: n.labels,
    seconds_since_heartbeat: Math.max(0, Math.round((now - n.at) / 100) / 10),
  };
}

export const ListMachinesOutput = {
  machines: z.array(MachineSchema),
};
