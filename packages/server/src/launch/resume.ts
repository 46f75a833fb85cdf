// An agent picked up again under its id: a hibernated one wakes; an ended one is read back from its
// journal and launched again on its saved conversation, held to this server's ceiling, budgets and
// spend caps as a launch is, with the message that tells it what happened.
import { callTrace } from "../answers/call-trace.js";
import { type AgentView, type Driver } from "@subagent-mcp/core";
import { launchAsked, resumableOf, type AgentJournal, type Resumable } from "@subagent-mcp/journal";
import type { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { ServerError } from "../errors.js";
import { checkDepth } from "../nesting/depth.js";
import { childEnv } from "@subagent-mcp/config";
import { tighter } from "@subagent-mcp/budgets";
import { asking, grant, mergeRules } from "@subagent-mcp/permissions";
import { resumeBudget } from "@subagent-mcp/budgets";
import { definedFields } from "@subagent-mcp/contract";
import { describeWorktree } from "./worktree-view.js";
import { CHILD_SERVER, handServers, messagingServer, messagingToolNames, nestingEnv, OWN_SERVER, ownEntryFor, scopeOf } from "./launch-steps.js";
import { passedServers, type PassedServers } from "./passed-servers.js";
import { NO_FLEET } from "./placement.js";
import { ok } from "../answers/result.js";
import { errorMessage } from "@subagent-mcp/errors";
import type { Runtime } from "../runtime/runtime.js";
import { refuseHeldFollowUp, spendRead } from "./held-agents.js";

import type { ResumeAgentInput } from "../tools/resume-agent.js";

const PREAMBLE_CLIP = 500;

/** The first message after a resume: what happened, what was in flight, then the task. */
function resumeMessage(r: Pick<Resumable, "why" | "inFlight" | "turns">, prompt: string | undefined): string {
  const clip = (text: string) => (text.length > PREAMBLE_CLIP ? `${text.slice(0, PREAMBLE_CLIP)}…` : text);
  const where =
    r.inFlight === undefined
      ? `after turn ${r.turns}`
      : `while you were working on turn ${r.inFlight.turn} ("${clip(r.inFlight.prompt)}"); your answer to it never reached the user`;
  const next = prompt ?? (r.inFlight === undefined ? "Continue where you left off." : "Continue that task from where you were.");
  return `[subagent-mcp: your previous session was interrupted (${r.why}) ${where}. This is the same conversation, resumed in a new process.]\n\n${next}`;
}

export type ResumeArgs = z.infer<z.ZodObject<typeof ResumeAgentInput>>;

// A hibernated agent wakes; an ended one is read back from its journal and launched again on its conversation.
export async function resumeAgent(deps: ToolDeps, args: ResumeArgs, extra: { _meta?: Record<string, unknown> }) {
  checkDepth(deps);
  const runtime = await deps.runtime();
  const { supervisor, journal, budgets, spendCaps, worktrees } = runtime;
  const live = supervisor.list().find((v) => v.id === args.agent_id);
  if (live?.status === "hibernated") {
    // Waking starts a turn on its provider: a spend cap over it refuses the wake, as it does a follow-up.
    const reserved = await refuseHeldFollowUp(runtime, live.id, false);
    let view;
    try {
      view = supervisor.send(live.id, args.prompt ?? "Continue where you left off.");
    } catch (error) {
      reserved?.release();
      throw error;
    }
    return ok(out(view, "woke"), `Woke ${view.id}: a new ${view.provider} process resumes its conversation.`);
  }
  await budgets?.check();
  if (live?.alive === true) throw new ServerError("INVALID_ARGUMENT", `agent ${live.id} is alive (${live.status}): send_message continues it`);
  if (journal === undefined) throw new ServerError("INVALID_ARGUMENT", "this server keeps no journal, so ended agents cannot be resumed");
  const past = await readPast(journal, args.agent_id);
  if (past.launch.pool !== undefined)
    throw new ServerError("INVALID_ARGUMENT", `agent ${args.agent_id} was a replica of pool agent "${past.launch.pool}": invoke that agent again instead`);
  if (past.sessionId === undefined)
    throw new ServerError(
      "INVALID_ARGUMENT",
      `agent ${args.agent_id} never got a CLI session (it ended before its CLI answered), so there is nothing to resume: launch a new agent`,
    );
  // Its provider is its conversation's: a spend cap over it refuses the resume (there is nowhere to route it), counting every machine's turns; else its turn is reserved.
  await spendRead(runtime);
  const reserved = spendCaps?.reserve(launchAsked(past.launch), undefined, args.agent_id);
  let relaunched;
  try {
    relaunched = await relaunch(deps, runtime, journal, args, { ...past, sessionId: past.sessionId }, callTrace(extra));
  } catch (error) {
    reserved?.release();
    throw error;
  }
  const { view, placement } = relaunched;
  const worktree = worktrees.view(view.id);
  const structured = {
    ...out(view, "resumed"),
    prior_turns: past.turns,
    was: past.why,
    ...(past.inFlight === undefined ? {} : { in_flight: past.inFlight.prompt }),
    ...definedFields({ worktree }),
  };
  return ok(
    structured,
    `Resumed ${view.id} on ${view.provider}${placement === undefined ? "" : ` on machine ${placement.machine}`} after ${past.turns} turn(s) (it had ended: ${past.why})${worktree === undefined ? "" : ` in its ${describeWorktree(worktree)}`}; call wait.`,
  );
}

// The journaled launch again, held to this server's ceiling, on its saved conversation (on its machine, if another).
async function relaunch(
  deps: ToolDeps,
  { supervisor, budgets, worktrees }: Runtime,
  journal: AgentJournal,
  args: ResumeArgs,
  past: Resumable & { sessionId: string },
  trace: { calledIn?: string },
): Promise<{ view: AgentView; placement: { machine: string; driver: Driver } | undefined }> {
  const id = args.agent_id;
  const { permissionMode, allowedTools, budget: _launched, ...asked } = launchAsked(past.launch);
  const { permissions, worktree } = past.launch;
  // The messaging tools it was given as a sub-agent are ours, not grants: only the rest meets the ceiling.
  const own = new Set([...messagingToolNames(), ...messagingToolNames(OWN_SERVER)]);
  const granted = grant({ mode: permissionMode, tools: allowedTools?.filter((t) => !own.has(t)) }, deps.ceiling, "resume_agent");
  // Journaled allow rules grant without asking, as allowed tools do: this server's ceiling bounds them too.
  if (permissions?.allow !== undefined) grant({ tools: permissions.allow }, deps.ceiling, "resume_agent permissions.allow");
  const budget = resumeBudget(id, past, args.budget);
  // Its conversation is saved where it ran: one of another machine is resumed there (refused if it is not live).
  const placement = await placeOn(deps, id, asked.provider, past.machine);
  // Another live server's agent is refused here, before anything changes.
  adopt(journal, id);
  if (worktree !== undefined) await worktrees.adopt(id, worktree.path, asked.label);
  // The user's MCP servers it had, by name again (an inline one's secrets were never kept); here only.
  const servers = placement === undefined ? await serversAgain(deps, past.launch.mcpServers, asked.cwd) : { specs: [], allow: [], shown: [] };
  const rules = mergeRules(mergeRules(deps.permissions, { allow: servers.allow }), permissions);
  // There, its node serves its messaging (our loopback endpoint is not reachable): it is given its mailbox name.
  const remote = placement !== undefined;
  const ours = remote ? undefined : await ownEntryFor([asked.provider], asked.cwd);
  const handed = await handServers(deps, scopeOf(deps, id, granted), ours !== undefined, rules, remote);
  const server = messagingServer(deps, handed);
  const messaging = server !== undefined || (remote && deps.childMailbox);
  journal.expect(id, { resumeOf: { sessionId: past.sessionId }, ...definedFields({ permissions }) });
  const tools = [...(granted.tools ?? []), ...(messaging ? messagingToolNames(server) : [])];
  const view = supervisor.launch({
    id,
    ...trace,
    ...asked,
    prompt: resumeMessage(past, args.prompt),
    resume: past.sessionId,
    priorTurns: past.turns,
    ...(granted.tools === undefined && !messaging ? {} : { allowedTools: tools }),
    ...definedFields({ permissionMode: granted.mode }),
    ...(handed.length === 0 && servers.specs.length === 0 ? {} : { mcpServers: [...handed, ...servers.specs] }),
    ...definedFields({ placement, ownEntry: ours }),
    ...(messaging ? { mailbox: id } : {}),
    ...asking(permissionMode, granted.level, () => rules, asked.cwd, tools),
    ...definedFields({ budget }),
    ...nestingEnv(remote, deps.depth + 1, () => childEnv(deps, granted, messaging ? id : undefined, id, tighter(budget, budgets?.left()))),
  });
  return { view, placement };
}

// The journaled servers that were named (not written inline): resolved again from the user's configs as they are now, and judged as a launch's.
async function serversAgain(deps: ToolDeps, journaled: { name: string; from: string }[] | undefined, cwd: string): Promise<PassedServers> {
  const names = (journaled ?? []).filter((s) => s.from !== "inline").map((s) => s.name);
  return passedServers(names, cwd, CHILD_SERVER, undefined, { what: "resume_agent mcp_servers", rules: deps.permissions, ceiling: deps.ceiling });
}

function out(view: AgentView, how: "woke" | "resumed") {
  return {
    agent_id: view.id,
    status: view.status,
    provider: view.provider,
    ...definedFields({ machine: view.machine, session_id: view.sessionId }),
    how,
  };
}

/** Where an agent whose conversation is saved on `machine` resumes: there, or an error naming the machine it needs. */
async function placeOn(deps: ToolDeps, id: string, provider: string, machine: string | undefined): Promise<{ machine: string; driver: Driver } | undefined> {
  if (machine === undefined) return undefined;
  const needs = `agent ${id} ran on machine "${machine}", where its conversation is saved: resuming it needs that machine live in the fleet`;
  if (deps.fleet === undefined) throw new ServerError("INVALID_ARGUMENT", `${needs}, and this server has no fleet (${NO_FLEET})`);
  try {
    const { node, driver } = await (await deps.fleet()).driverOn(machine, provider);
    return { machine: node, driver };
  } catch (error) {
    throw new ServerError("INVALID_ARGUMENT", `${needs} (${errorMessage(error)})`);
  }
}

async function readPast(journal: AgentJournal, agentId: string): Promise<Resumable> {
  await journal.writer.flush();
  let past: Resumable | undefined;
  try {
    past = resumableOf(journal, agentId);
  } catch (error) {
    if ((error as { code?: string }).code === "NOT_FOUND")
      throw new ServerError("AGENT_NOT_FOUND", `no agent "${agentId}" in this server or in the journal; list_agents {include_past: true} shows past agents`);
    throw error;
  }
  if (past === undefined) throw new ServerError("AGENT_NOT_FOUND", `agent "${agentId}" has no launch in its journal, so it cannot be resumed`);
  return past;
}

function adopt(journal: AgentJournal, agentId: string): void {
  try {
    journal.writer.adopt(agentId);
  } catch (error) {
    throw new ServerError("INVALID_ARGUMENT", errorMessage(error));
  }
}
