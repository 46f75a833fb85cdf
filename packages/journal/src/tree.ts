// The agent tree of a timeline: nested agents (launched by a sub-agent's own server, which shares
// the journal directory) under the agent they ran under, by the lineage their launch recorded.
import { listAgents, type AgentSummary } from "./list.js";
import { readOwner, serverAlive } from "./owner.js";
import { agentDir, entriesStats, journalEntries } from "./read.js";
import type { TimelineRow } from "@subagent-mcp/contract";
import { timelineRow, type TurnPrice } from "./timeline.js";
import { definedFields } from "@subagent-mcp/contract/fields";

/** What {@link agentTree} draws. */
interface AgentTreeOptions {
  /** The agent to start from (it and everything below it); default: the roots of the recent agents. */
  root?: string;
  /** Without `root`: only roots of this project (their descendants whatever theirs). */
  project?: string;
  /** Without `root`: how many roots at most, those active most recently (default {@link DEFAULT_ROOTS}). */
  maxRoots?: number;
  /** Prices turns whose CLI reported no cost (default: unknown). */
  price?: TurnPrice;
}

/** Roots a tree shows when none is named. */
const DEFAULT_ROOTS = 10;

/** Its nearest ancestor whose journal is there (an agent whose parent was pruned hangs under its grandparent), else undefined. */
function ancestorIn(s: AgentSummary, known: Map<string, AgentSummary>): string | undefined {
  const lineage = s.lineage ?? [];
  for (let i = lineage.length - 1; i >= 0; i--) {
    const id = lineage[i];
    if (id !== undefined && id !== s.agent_id && known.has(id)) return id;
  }
  return undefined;
}

/**
 * The rows of an agent tree, each parent followed by its children, siblings (and roots) by start
 * time. Throws the journal's BAD_ID or NOT_FOUND for a `root` that is not there.
 */
export function agentTree(dir: string, options: AgentTreeOptions = {}): TimelineRow[] {
  if (options.root !== undefined) agentDir(dir, options.root);
  const all = listAgents(dir);
  const known = new Map(all.map((s) => [s.agent_id, s]));
  const children = new Map<string | undefined, AgentSummary[]>();
  for (const s of all) {
    const up = ancestorIn(s, known);
    children.set(up, [...(children.get(up) ?? []), s]);
  }
  const byStart = (a: AgentSummary, b: AgentSummary): number => Date.parse(a.created_at) - Date.parse(b.created_at) || a.agent_id.localeCompare(b.agent_id);
  for (const list of children.values()) list.sort(byStart);

  let roots: AgentSummary[];
  if (options.root !== undefined) {
    const root = known.get(options.root);
    roots = root === undefined ? [] : [root];
  } else {
    // A tree is as recent as its latest agent.
    const latest = (s: AgentSummary, seen = new Set<string>()): number => {
      seen.add(s.agent_id);
      const below = (children.get(s.agent_id) ?? []).filter((c) => !seen.has(c.agent_id)).map((c) => latest(c, seen));
      return Math.max(Date.parse(s.last_at) || 0, ...below);
    };
    roots = (children.get(undefined) ?? [])
      .filter((s) => options.project === undefined || s.project === options.project)
      .map((s) => ({ s, at: latest(s) }))
      .sort((a, b) => b.at - a.at)
      .slice(0, options.maxRoots ?? DEFAULT_ROOTS)
      .map((r) => r.s)
      .sort(byStart);
  }

  const rows: TimelineRow[] = [];
  const seen = new Set<string>();
  const visit = (s: AgentSummary, depth: number): void => {
    if (seen.has(s.agent_id)) return;
    seen.add(s.agent_id);
    const row = readRow(dir, s.agent_id, depth, ancestorIn(s, known), options.price);
    if (row !== undefined) rows.push(row);
    for (const c of children.get(s.agent_id) ?? []) visit(c, depth + 1);
  };
  for (const r of roots) visit(r, 0);
  return rows;
}

const NOT_TOOL = /^(?!\{"t":"tool")/;

// One agent's row, its journal streamed through the fold; undefined when it has no entry or went away meanwhile.
function readRow(dir: string, agentId: string, depth: number, parent: string | undefined, price: TurnPrice | undefined): TimelineRow | undefined {
  try {
    // Tool lines say nothing a timeline shows: they are passed over unparsed.
    const entries = journalEntries(dir, agentId, entriesStats(), { copies: "skip", only: NOT_TOOL });
    const owner = readOwner(agentDir(dir, agentId));
    const { parent: _lineageParent, ...row } = timelineRow(agentId, entries, owner !== undefined && serverAlive(owner), price);
    if (row.started_at === "") return undefined;
    // The parent on the tree: the nearest ancestor whose journal is there.
    return { ...row, ...definedFields({ parent }), depth };
  } catch {
    return undefined;
  }
}
