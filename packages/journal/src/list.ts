// Sums up every agent on disk, for listing past agents and choosing one to resume.
import { readdirSync } from "node:fs";
import { serverAlive } from "./owner.js";
import { summarizeEnds } from "./tail.js";
import { AGENT_ID, byNewest, type SummaryCache } from "./summary/summary-cache.js";
import type { JournalEntry, JournalWorktree, ServerRef } from "./schema.js";
import { definedFields } from "@subagent-mcp/contract/fields";

/** One agent as {@link listAgents} sums it up. */
export interface AgentSummary {
  agent_id: string;
  project: string;
  cwd: string;
  provider: string;
  /** The model the CLI reported last, else the one asked for at launch. */
  model?: string;
  label?: string;
  pool?: string;
  created_at: string;
  last_at: string;
  /** Finished turns. */
  turns: number;
  /** The last status (or end) recorded, "unknown" when none. */
  status: string;
  /** The agent's process was running at its last status and neither it ended nor its server is gone. */
  alive: boolean;
  session_id?: string;
  worktree?: JournalWorktree;
  /** The agents its launching server ran under, top first (a nested server's). */
  lineage?: string[];
  /** How it ended; cleared by a later resume. */
  end?: { status: string; why: string };
  owner?: ServerRef;
  owner_alive: boolean;
  last_prompt?: string;
  /** A prompt was sent whose turn has no "turn" entry. */
  last_turn_running: boolean;
}

/**
 * Every agent under `dir`, newest first (by last_at), optionally only one project's; unreadable ones
 * skipped. Each is summed up from its journal's two ends (launch entry, latest entries within
 * TAIL_BYTES), so a long journal costs no more than a short one; with a `cache`, only those whose
 * journal changed since the last listing are read again, and while none did the array is the one
 * the call before returned (callers do not change it).
 */
export function listAgents(dir: string, filter: { project?: string } = {}, cache?: SummaryCache): AgentSummary[] {
  const list = (): string[] => {
    try {
      return readdirSync(dir).filter((n) => AGENT_ID.test(n));
    } catch {
      return [];
    }
  };
  const read = (name: string): AgentSummary | undefined => {
    try {
      return summarizeEnds(dir, name);
    } catch {
      // Unreadable, or not an agent's directory: nothing to list.
      return undefined;
    }
  };
  if (cache !== undefined) return cache.sorted(dir, list, read, filter.project);
  const out: AgentSummary[] = [];
  for (const summary of list().map(read)) {
    if (summary === undefined) continue;
    if (filter.project !== undefined && summary.project !== filter.project) continue;
    out.push(summary);
  }
  return out.sort(byNewest);
}

/** Folds an agent's entries into its summary; undefined when the journal has no entry at all. */
export function summarize(agentId: string, entries: JournalEntry[], owner: ServerRef | undefined): AgentSummary | undefined {
  const first = entries[0];
  const last = entries.at(-1);
  if (first === undefined || last === undefined) return undefined;
  const ownerAlive = owner !== undefined && serverAlive(owner);
  const s: AgentSummary = {
    agent_id: agentId,
    project: "",
    cwd: "",
    provider: "",
    created_at: first.at,
    last_at: last.at,
    turns: 0,
    status: "unknown",
    alive: false,
    owner_alive: ownerAlive,
    last_turn_running: false,
    ...definedFields({ owner }),
  };
  let model: string | undefined;
  let sessionModel: string | undefined;
  let promptTurn: number | undefined;
  const done = new Set<number>();
  for (const e of entries) {
    switch (e.t) {
      case "launch":
        Object.assign(s, { project: e.project, cwd: e.cwd, provider: e.provider, created_at: e.at });
        model = e.model;
        if (e.label !== undefined) s.label = e.label;
        if (e.pool !== undefined) s.pool = e.pool;
        if (e.worktree !== undefined) s.worktree = e.worktree;
        break;
      case "resume":
        delete s.end;
        if (e.session_id !== undefined) s.session_id = e.session_id;
        break;
      case "session":
        s.session_id = e.session_id;
        sessionModel = e.model ?? sessionModel;
        break;
      case "prompt":
        promptTurn = e.turn;
        s.last_prompt = e.text;
        break;
      case "turn":
        s.turns++;
        done.add(e.turn);
        break;
      case "status":
        s.status = e.status;
        s.alive = e.alive;
        break;
      case "end":
        s.status = e.status;
        s.alive = false;
        s.end = { status: e.status, why: e.why };
        break;
      case "tool":
      case "error":
        break;
    }
  }
  const shownModel = sessionModel ?? model;
  if (shownModel !== undefined) s.model = shownModel;
  s.last_turn_running = promptTurn !== undefined && !done.has(promptTurn);
  // Agents are the server's children: with their server gone, none of them still runs.
  s.alive = s.alive && ownerAlive;
  return s;
}

/** Why an agent whose server is gone ended, in words (list_agents and the dashboard say it alike). */
export function endedWhy(summary: Pick<AgentSummary, "end" | "owner_alive" | "owner">): string {
  if (summary.end !== undefined) return summary.end.why;
  if (summary.owner_alive) return `still running in another server (pid ${String(summary.owner?.pid)})`;
  return "its server stopped without shutting down (a crash or a kill)";
}
