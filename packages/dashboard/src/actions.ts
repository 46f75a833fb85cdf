// What the page's buttons do: each a call of one server's tool, or a mail for a worker's request.
import type { MailboxStore } from "@subagent-mcp/mailbox";
import { z } from "zod";
import { DashboardError } from "./errors.js";
import { answerWorker } from "./worker-approvals.js";
import type { ServerLink } from "./link.js";
import type { ServerSet } from "./servers.js";
import { definedFields } from "@subagent-mcp/contract";

const Decision = z.enum(["allow", "allow_always", "deny"]);
const AgentAction = {
  server: z.number().int().positive().optional(),
  agent_id: z.string().min(1).max(200),
};

/** The body of `POST /api/action`. */
export const ActionSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("interrupt"), ...AgentAction }),
  z.object({ action: z.literal("kill"), ...AgentAction }),
  /** The user's stop of an agent and everything it started (journaled as stopped by the user). */
  z.object({ action: z.literal("stop_tree"), ...AgentAction }),
  /** The user's stop of every agent of every server of the project. */
  z.object({ action: z.literal("stop_all") }),
  z.object({ action: z.literal("resume"), ...AgentAction, message: z.string().min(1).max(100_000).optional() }),
  z.object({ action: z.literal("send"), ...AgentAction, message: z.string().min(1).max(100_000) }),
  z.object({
    action: z.literal("permission"),
    ...AgentAction,
    request_id: z.string().min(1).max(200),
    decision: Decision,
    reason: z.string().max(2000).optional(),
  }),
  z.object({ action: z.literal("worker_permission"), id: z.string().min(1).max(200), decision: Decision, reason: z.string().max(2000).optional() }),
]);
export type Action = z.infer<typeof ActionSchema>;

/** What an action needs. */
export interface ActionDeps {
  stateDir: string;
  mail: MailboxStore;
  servers: ServerSet;
}

// The server named, which must be one of the project's live ones.
function serverOf(servers: ServerSet, pid: number | undefined): ServerLink {
  if (pid === undefined) throw new DashboardError("BAD_REQUEST", "which server? (server: its pid)");
  servers.sync();
  const link = servers.get(pid);
  if (link === undefined) throw new DashboardError("NO_SERVER", `no running server ${pid} of this project`);
  return link;
}

// A past agent is resumed by any live server of the project, the one it last ran in if it still runs.
function resumer(servers: ServerSet, pid: number | undefined): ServerLink {
  servers.sync();
  const named = pid === undefined ? undefined : servers.get(pid);
  const link = named ?? servers.links().find((l) => l.view.reachable) ?? servers.links()[0];
  if (link === undefined) throw new DashboardError("NO_SERVER", "no running server of this project to resume it in: start your coding agent here first");
  return link;
}

/** Does `action`; the tool's structured result. Throws {@link DashboardError}. */
export async function runAction(action: Action, deps: ActionDeps): Promise<Record<string, unknown>> {
  switch (action.action) {
    case "interrupt":
      return done(serverOf(deps.servers, action.server), "interrupt_agent", { agent_id: action.agent_id });
    case "kill":
      return done(serverOf(deps.servers, action.server), "kill_agent", { agent_id: action.agent_id });
    case "stop_tree":
      return done(serverOf(deps.servers, action.server), "stop_agents", { agent_ids: [action.agent_id] });
    case "stop_all":
      return stopAll(deps.servers);
    case "send":
      return done(serverOf(deps.servers, action.server), "send_message", { agent_id: action.agent_id, message: action.message });
    case "resume":
      return done(resumer(deps.servers, action.server), "resume_agent", {
        agent_id: action.agent_id,
        ...definedFields({ prompt: action.message }),
      });
    case "permission":
      return done(serverOf(deps.servers, action.server), "respond_permission", {
        agent_id: action.agent_id,
        request_id: action.request_id,
        decision: action.decision,
        ...definedFields({ reason: action.reason }),
      });
    case "worker_permission":
      return answerWorker(deps.stateDir, deps.mail, action.id, action.decision, action.reason);
  }
}

// Every live server of the project stops all of its agents, in parallel: how many were stopped.
async function stopAll(servers: ServerSet): Promise<Record<string, unknown>> {
  servers.sync();
  const answers = await Promise.all(servers.links().map((link) => done(link, "stop_agents", {})));
  const stopped = answers.reduce((sum, answer) => sum + (Array.isArray(answer.stopped) ? answer.stopped.length : 0), 0);
  return { stopped, servers: answers.length };
}

// Calls the tool, then takes a new snapshot of its server so the page shows the outcome at once.
async function done(link: ServerLink, tool: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await link.call(tool, args, true);
  void link.refresh();
  return result;
}
