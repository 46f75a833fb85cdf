import { z } from "zod";
import { SandboxStatusSchema } from "./sandbox.js";
import type { PollAgentResult, TranscriptResult } from "./results.js";
import { ListAgentsOutput, MachineSchema } from "./agents.js";
import { ListPoolOutput } from "./pool.js";
import { BoardViewSchema } from "./board-view.js";

// What the dashboard's page is sent: the whole state of the project's agents, workers and mail at
// one moment (`/api/events`, `/api/state`), an agent's detail (`/api/agent`) and an action's answer.

/** list_pool's result. */
const ListPoolResultSchema = z.object(ListPoolOutput);

/** One running server of the project and its agents as its list_agents and list_pool return them. */
const ServerViewSchema = z.object({
  pid: z.number(),
  cwd: z.string(),
  session: z.string().optional(),
  started_at: z.string(),
  version: z.string(),
  reachable: z.boolean(),
  /** Which OS sandbox its agents' CLIs run in, or none (rules only) and why; absent until it has looked. */
  sandbox: SandboxStatusSchema.optional(),
  /** Why it could not be reached. */
  error: z.string().optional(),
  /** list_agents' `agents`, as the tool returns them. */
  agents: ListAgentsOutput.agents,
  /** list_pool's result, null when it has no pool tools or could not be reached. */
  pool: ListPoolResultSchema.nullable(),
});
export type ServerView = z.infer<typeof ServerViewSchema>;

/** A sub-agent's pending permission request (answered with the action "permission"). */
const PermissionRequestViewSchema = z.object({
  server: z.number(),
  agent_id: z.string(),
  request_id: z.string(),
  kind: z.string(),
  summary: z.string(),
  tool: z.string().optional(),
  asked_at: z.string().optional(),
});
export type PermissionRequestView = z.infer<typeof PermissionRequestViewSchema>;

/** An agent of the project's journal that no live server holds, as list_agents include_past shows it. */
const PastAgentViewSchema = z.object({
  agent_id: z.string(),
  label: z.string().optional(),
  provider: z.string(),
  model: z.string().optional(),
  status: z.string(),
  alive: z.literal(false),
  past: z.literal(true),
  turns: z.number(),
  cwd: z.string(),
  worktree: z.object({ path: z.string(), branch: z.string(), base: z.string() }).optional(),
  why: z.string(),
  created_at: z.string(),
  last_at: z.string(),
  /** When it ended (its last journal entry), for ended agents. */
  ended_at: z.string().optional(),
  /** What its turns cost, as far as known. */
  cost_usd: z.number().optional(),
  /** The pid of the live server (of another project, or not ours) that still runs it. */
  owner_pid: z.number().optional(),
});
export type PastAgentView = z.infer<typeof PastAgentViewSchema>;

/** A live worker as its presence entry says. */
const WorkerViewSchema = z.object({
  name: z.string(),
  host: z.string(),
  pid: z.number(),
  provider: z.string().optional(),
  model: z.string().optional(),
  started_at: z.string(),
  last_turn_at: z.string().optional(),
  heartbeat_at: z.string(),
});

/** A worker's pending permission request (answered with the action "worker_permission"). */
const WorkerPermissionViewSchema = z.object({
  id: z.string(),
  worker: z.string(),
  approver: z.string(),
  summary: z.string(),
  askedAt: z.string(),
});
export type WorkerPermissionView = z.infer<typeof WorkerPermissionViewSchema>;

/** One mailbox and how many messages it holds. */
const MailboxViewSchema = z.object({ name: z.string(), waiting: z.number(), claimed: z.number(), dead: z.number() });
export type MailboxView = z.infer<typeof MailboxViewSchema>;

/** Turns and cost of one provider on one day (UTC). */
const UsageDayViewSchema = z.object({
  day: z.string(),
  provider: z.string(),
  turns: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cache_read_tokens: z.number(),
  cache_write_tokens: z.number(),
  cost_usd: z.number(),
  /** Turns whose cost is unknown (no price for their model): not in cost_usd. */
  unknown_cost_turns: z.number(),
});
export type UsageDayView = z.infer<typeof UsageDayViewSchema>;

/** A provider's subscription window as its CLIs last reported it (the state folder's rate-limits file). */
const QuotaWindowViewSchema = z.object({
  provider: z.string(),
  window: z.string(),
  status: z.string(),
  used_percent: z.number().optional(),
  /** ISO time it starts afresh, when the CLI said. */
  resets_at: z.string().optional(),
});
export type QuotaWindowView = z.infer<typeof QuotaWindowViewSchema>;

/** One limit of one `spend_caps` cap as it stands now (what `usage --caps --json` prints, and the page shows). */
const CapViewSchema = z.object({
  /** The `spend_caps` key: a provider or `provider/model`. */
  cap: z.string(),
  /** day_usd, week_usd, day_turns or week_turns. */
  limit: z.string(),
  spent: z.number(),
  /** Held by turns under way (reserved before they started, not yet in the ledger): turns, or their expected dollars. */
  reserved: z.number().optional(),
  of: z.number(),
  left: z.number(),
  /** ISO time its period ends (the next UTC midnight, or the next Monday's). */
  resets_at: z.string(),
  /** Turns in the period whose cost is unknown (a dollar cap leaves them out). */
  unknown_cost_turns: z.number().optional(),
  reached: z.boolean(),
});
export type CapView = z.infer<typeof CapViewSchema>;

/** Everything the page shows. */
export const DashboardStateSchema = z.object({
  project: z.string(),
  generated_at: z.string(),
  servers: z.array(ServerViewSchema),
  /** The newest past agents, a page of them: `past_next_cursor` asks `/api/past` for the following ones. */
  past: z.array(PastAgentViewSchema),
  /** How many past agents there are in all (those of `past` included). */
  past_total: z.number().optional(),
  /** Present when past agents follow `past`: `/api/past?cursor=` gives the next page. */
  past_next_cursor: z.string().optional(),
  permission_requests: z.array(PermissionRequestViewSchema),
  workers: z.array(WorkerViewSchema),
  worker_permissions: z.array(WorkerPermissionViewSchema),
  mailboxes: z.array(MailboxViewSchema),
  usage: z.object({ days: z.array(UsageDayViewSchema), total_cost_usd: z.number() }),
  /** Every provider's subscription windows still in force, with their reset times. */
  quota: z.array(QuotaWindowViewSchema).optional(),
  /** Every limit of the config's `spend_caps`, summed from the state folder's spend ledger; absent without caps. */
  caps: z.array(CapViewSchema).optional(),
  /** Lines of the spend ledger that are not counted (not ours, or cut), one line each (`usage --caps` shows them too); absent without caps. */
  cap_problems: z.array(z.string()).optional(),
  /** The live machines of the fleet (as list_machines shows them); absent without a fleet. */
  machines: z.array(MachineSchema).optional(),
  /** The machine's team boards, the most recently changed first; absent when there are none. */
  boards: z.array(BoardViewSchema).optional(),
  /** What could not be read this time (the mailbox store down, ...), one line each. */
  errors: z.array(z.string()),
});
export type DashboardState = z.infer<typeof DashboardStateSchema>;

/** `/api/past?cursor=&limit=`: a page of past agents, newest first, after the one the cursor names. */
export const PastPageSchema = z.object({
  past: z.array(PastAgentViewSchema),
  total: z.number(),
  next_cursor: z.string().optional(),
});
export type PastPage = z.infer<typeof PastPageSchema>;

/** `/api/agent`: a live agent's poll_agent and transcript, or a past one's transcript from its journal (poll null). */
export interface AgentDetail {
  poll: PollAgentResult | null;
  transcript: TranscriptResult | null;
  /** Each transcript turn's receipt in one line (contract's `receiptLine`), by turn number, for the turns that kept one. */
  receipt_lines?: Record<string, string>;
}

/** `/api/action` (and every failed `/api/...` call): the tool's result, or the error. */
export type ActionReply = { ok: true; result: Record<string, unknown> } | { ok: false; error: { code: string; message: string } };
