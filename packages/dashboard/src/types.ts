// What the page is sent: the whole state of the project's agents, workers and mail at one moment.
import type { PresenceEntry } from "@subagent-mcp/mailbox";

/** One running server of the project and its agents as its list_agents and list_pool return them. */
export interface ServerView {
  pid: number;
  cwd: string;
  session?: string;
  started_at: string;
  version: string;
  reachable: boolean;
  /** Why it could not be reached. */
  error?: string;
  /** list_agents' `agents`, as the tool returns them. */
  agents: unknown[];
  /** list_pool's result, null when it has no pool tools or could not be reached. */
  pool: unknown;
}

/** A sub-agent's pending permission request (answered with the action "permission"). */
export interface PermissionRequestView {
  server: number;
  agent_id: string;
  request_id: string;
  kind: string;
  summary: string;
  tool?: string;
  asked_at?: string;
}

/** An agent of the project's journal that no live server holds, as list_agents include_past shows it. */
export interface PastAgentView {
  agent_id: string;
  label?: string;
  provider: string;
  model?: string;
  status: string;
  alive: false;
  past: true;
  turns: number;
  cwd: string;
  worktree?: { path: string; branch: string; base: string };
  why: string;
  created_at: string;
  last_at: string;
  /** When it ended (its last journal entry), for ended agents. */
  ended_at?: string;
  /** What its turns cost, as far as known. */
  cost_usd?: number;
  /** The pid of the live server (of another project, or not ours) that still runs it. */
  owner_pid?: number;
}

/** A worker's pending permission request (answered with the action "worker_permission"). */
export interface WorkerPermissionView {
  id: string;
  worker: string;
  approver: string;
  summary: string;
  askedAt: string;
}

/** One mailbox and how many messages it holds. */
export interface MailboxView {
  name: string;
  waiting: number;
  claimed: number;
  dead: number;
}

/** Turns and cost of one provider on one day (UTC). */
export interface UsageDayView {
  day: string;
  provider: string;
  turns: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  /** Turns whose cost is unknown (no price for their model): not in cost_usd. */
  unknown_cost_turns: number;
}

/** Everything the page shows. */
export interface DashboardState {
  project: string;
  generated_at: string;
  servers: ServerView[];
  past: PastAgentView[];
  permission_requests: PermissionRequestView[];
  workers: PresenceEntry[];
  worker_permissions: WorkerPermissionView[];
  mailboxes: MailboxView[];
  usage: { days: UsageDayView[]; total_cost_usd: number };
  /** What could not be read this time (the mailbox store down, ...), one line each. */
  errors: string[];
}
