import { JournalError } from "./errors.js";
import { decodeLaunch, type Defined, type LaunchRecord } from "./launch-record.js";
import { endedWhy, listAgents, type AgentSummary } from "./list.js";
import { serverAlive } from "./owner.js";
import { resumeFacts } from "./resume-facts.js";
import type { JournalEntry } from "./schema.js";
import { SummaryCache } from "./summary/summary-cache.js";
import type { AgentJournal } from "./recorder/agent-journal.js";
import { inLineage } from "./lineage.js";
import { definedFields } from "@subagent-mcp/contract/fields";

// Agents of earlier servers, read back from the journal: how each ended, and what a resume needs.

/** A past agent as list_agents shows it. */
export interface PastAgent {
  summary: AgentSummary;
  /** "ended", or the last recorded status while another live server runs it. */
  status: string;
  why: string;
  /** Its last entry's time, ms: where it stands in the listing (with its id). */
  at: number;
}

// The journal's summaries between list_agents calls: each call looks again only at the agents whose journal changed.
const summaries = new SummaryCache();
// The past agents made from the journal's listing last time: the same while that listing is.
let made: { from: AgentSummary[]; lineage: string | undefined; past: PastAgent[] } | undefined;

/**
 * Agents of this project in the journal (pool replicas and other lineages left out), newest first:
 * the same array as the call before while no agent changed. Those this server holds are in it too
 * (list_agents leaves them out as it pages).
 */
export function pastAgents(journal: AgentJournal): PastAgent[] {
  const from = listAgents(journal.settings.dir, { project: journal.project }, summaries);
  const lineage = journal.settings.lineage?.join("/");
  if (made?.from === from && made.lineage === lineage) return made.past;
  const past = from
    .filter((s) => s.pool === undefined && inLineage(journal.settings.lineage, s.lineage))
    .map((summary) => ({
      summary,
      status: summary.owner_alive && summary.alive ? summary.status : "ended",
      why: endedWhy(summary),
      at: Date.parse(summary.last_at) || 0,
    }));
  made = { from, lineage, past };
  return past;
}

/** The index of the first of `past` (in the listing's order) that comes after a row keyed `after`: a binary search. */
export function pastAfter(past: readonly PastAgent[], after: { live: true } | { live: false; at: number; id: string } | undefined): number {
  if (after === undefined || after.live) return 0;
  let lo = 0;
  let hi = past.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const p = past[mid] as PastAgent;
    // list-page's compareKeys(p, after): newest first, ties by id last first.
    const cmp = after.at - p.at || after.id.localeCompare(p.summary.agent_id);
    if (cmp <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
  /** How it was launched, read back from its journal's launch entry. */
  launch: Defined<LaunchRecord>;
  sessionId: string | undefined;
  /** The machine of the fleet its conversation is saved on, when not this one: it is resumed there. */
  machine?: string;
  turns: number;
  /** The prompt of a turn that never ended, if the agent was interrupted mid-turn. */
  inFlight: { turn: number; prompt: string } | undefined;
  why: string;
  /** The limits of its latest life: those it was launched with, or those of its latest resume. */
  budget?: Extract<JournalEntry, { t: "launch" }>["budget"];
  /** What its finished turns spent under those limits (budget tokens: input + output + cache writes). */
  spent: { turns: number; tokens: number; costUsd: number; seconds: number };
}

/** Reads what resuming `agentId` needs (its journal's ends, not the whole of it); undefined launch when its journal has none. */
export function resumableOf(journal: AgentJournal, agentId: string): Resumable | undefined {
  const facts = resumeFacts(journal.settings.dir, agentId);
  const { launch, owner, end, budget } = facts;
  if (launch === undefined) return undefined;
  // A nested server resumes only agents of its own lineage; the others are not there for it.
  if (!inLineage(journal.settings.lineage, launch.lineage)) throw new JournalError("NOT_FOUND", `no journal for agent ${agentId} in this lineage`);
  return {
    launch: decodeLaunch(launch),
    sessionId: facts.sessionId,
    ...definedFields({ machine: facts.machine }),
    turns: facts.turns,
    inFlight: facts.inFlight,
    spent: facts.spent,
    ...definedFields({ budget }),
    why: endedWhy({ end, owner, owner_alive: owner !== undefined && serverAlive(owner) }),
  };
}
