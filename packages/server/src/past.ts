import { listAgents, readJournal, serverAlive, turnsOf, type AgentSummary, type JournalEntry } from "@subagent-mcp/journal";
import type { AgentJournal } from "./journal.js";

// Agents of earlier servers, read back from the journal: how each ended, and what a resume needs.

/** Why an agent whose server is gone ended, in words. */
export function endedWhy(summary: Pick<AgentSummary, "end" | "owner_alive" | "owner">): string {
  if (summary.end !== undefined) return summary.end.why;
  if (summary.owner_alive) return `still running in another server (pid ${String(summary.owner?.pid)})`;
  return "its server stopped without shutting down (a crash or a kill)";
}

/** A past agent as list_agents shows it. */
export interface PastAgent {
  summary: AgentSummary;
  /** "ended", or the last recorded status while another live server runs it. */
  status: string;
  why: string;
}

/** Agents of this project in the journal that this server does not hold (pool replicas left out), newest first. */
export function pastAgents(journal: AgentJournal, held: (id: string) => boolean): PastAgent[] {
  return listAgents(journal.settings.dir, { project: journal.project })
    .filter((s) => s.pool === undefined && !held(s.agent_id))
    .map((summary) => ({ summary, status: summary.owner_alive && summary.alive ? summary.status : "ended", why: endedWhy(summary) }));
}

/** The agents the newest earlier server of this project left, and whether it shut down or died. */
export function predecessorOf(past: PastAgent[], self: string): { pid: number; how: "exited" | "crashed"; agents: PastAgent[] } | undefined {
  const gone = past.filter((p) => p.summary.owner !== undefined && p.summary.owner.id !== self && !p.summary.owner_alive);
  const newest = gone[0]?.summary.owner;
  if (newest === undefined) return undefined;
  const agents = gone.filter((p) => p.summary.owner?.id === newest.id);
  const how = agents.every((p) => p.summary.end !== undefined) ? "exited" : "crashed";
  return { pid: newest.pid, how, agents };
}

/** What a resume needs from an agent's journal. */
export interface Resumable {
  launch: Extract<JournalEntry, { t: "launch" }>;
  sessionId: string | undefined;
  turns: number;
  /** The prompt of a turn that never ended, if the agent was interrupted mid-turn. */
  inFlight: { turn: number; prompt: string } | undefined;
  why: string;
  /** The limits of its latest life: those it was launched with, or those of its latest resume. */
  budget?: Extract<JournalEntry, { t: "launch" }>["budget"];
  /** What its finished turns spent under those limits (budget tokens: input + output + cache writes). */
  spent: { turns: number; tokens: number; costUsd: number; seconds: number };
}

/** Reads what resuming `agentId` needs; undefined launch when its journal has none. */
export function resumableOf(journal: AgentJournal, agentId: string): Resumable | undefined {
  const { entries, owner } = readJournal(journal.settings.dir, agentId);
  const launch = entries.find((e): e is Extract<JournalEntry, { t: "launch" }> => e.t === "launch");
  if (launch === undefined) return undefined;
  let sessionId: string | undefined;
  let end: { why: string } | undefined;
  for (const e of entries) {
    if (e.t === "session") sessionId = e.session_id;
    else if (e.t === "resume") end = undefined;
    else if (e.t === "end") end = { why: e.why };
  }
  // The limits of its latest life (launch, or a resume that set them) and what was spent since.
  let budget = launch.budget;
  let spent = { turns: 0, tokens: 0, costUsd: 0, seconds: 0 };
  for (const e of entries) {
    if (e.t === "resume" && e.budget !== undefined) [budget, spent] = [e.budget, { turns: 0, tokens: 0, costUsd: 0, seconds: 0 }];
    if (e.t !== "turn") continue;
    spent.turns += 1;
    spent.tokens += e.usage.input + e.usage.output + e.usage.cache_write;
    spent.costUsd += e.cost_usd ?? 0;
    spent.seconds += e.duration_ms / 1000;
  }
  const { turns } = turnsOf(entries);
  const done = turns.filter((t) => t.result !== undefined);
  const open = turns.find((t) => t.result === undefined && t.prompts.length > 0);
  return {
    launch,
    sessionId,
    turns: done.length === 0 ? 0 : Math.max(...done.map((t) => t.turn)),
    inFlight: open === undefined ? undefined : { turn: open.turn, prompt: open.prompts.join("\n") },
    spent,
    ...(budget === undefined ? {} : { budget }),
    why: endedWhy({ end: end === undefined ? undefined : { status: "ended", why: end.why }, owner, owner_alive: owner !== undefined && serverAlive(owner) }),
  };
}
