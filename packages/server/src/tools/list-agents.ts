import { objectOf } from "../answers/schemas.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListAgentsOutput, WireStatusSchema, type AgentRow, definedFields } from "@subagent-mcp/contract";
import type { AgentView } from "@subagent-mcp/core";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { pastAfter, pastAgents, predecessorOf, type PastAgent } from "@subagent-mcp/journal";
import { guard, madeToSchema, ok } from "../answers/result.js";
import { ServerError } from "../errors.js";
import { agentRow } from "../answers/agent-row.js";
import { compareKeys, decodeCursor, DEFAULT_LIST_LIMIT, encodeCursor, MAX_LIST_LIMIT, pageOf } from "../answers/list-page.js";
import { roomLeft } from "../answers/paging.js";

export const ListAgentsInput = {
  status: WireStatusSchema.optional().describe("Only agents in this status (ended: past agents, with include_past)."),
  include_past: z.boolean().optional().describe("Also agents of earlier servers of this project, from the journal (status ended, with why), newest first."),
  cwd: z.string().min(1).optional().describe("Only agents whose working directory starts with this path."),
  label: z.string().min(1).optional().describe("Only agents whose label contains this text."),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_LIST_LIMIT)
    .optional()
    .describe(`Rows per page (default ${DEFAULT_LIST_LIMIT}; fewer when they would not fit the result cap).`),
  cursor: z.string().min(1).optional().describe("next_cursor of the page before: the rows after it, with the same filters."),
};

type Row = AgentRow;

/** What a page lists: live agents (their views) and past ones (from the journal). */
type Item = AgentView | PastAgent;
const isPast = (item: Item): item is PastAgent => "summary" in item;

/** Where an item stands in the listing (see list-page.ts). */
function keyOf(item: Item): Parameters<typeof compareKeys>[0] {
  return isPast(item) ? { live: false, at: item.at, id: item.summary.agent_id } : { live: true, created: item.createdAt, id: item.id };
}

// Live agents, oldest launch first, ties by id: compareKeys' order, without a key for each.
function byLaunch(a: AgentView, b: AgentView): number {
  return a.createdAt - b.createdAt || a.id.localeCompare(b.id);
}

/** `list_agents`: every agent of this server, oldest first; with include_past, the journal's earlier ones after them, newest first. */
export function registerListAgentsTool(server: McpServer, deps: ToolDeps): void {
  // Said once: the first list_agents tells what the previous server left.
  const told = { first: true };
  server.registerTool(
    "list_agents",
    {
      title: "List sub-agents",
      description:
        "Every sub-agent of this session with its status, turns, cost and pending permission requests; include_past adds agents of earlier servers of this project (ended, with why; resume_agent continues one). Filters: status, cwd, label. In pages: live agents first, then past ones newest first; next_cursor continues, total counts every matching row.",
      inputSchema: objectOf(ListAgentsInput),
      outputSchema: objectOf(ListAgentsOutput),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) => guard(() => listAgents(deps, args, told)),
  );
}

type ListArgs = z.infer<z.ZodObject<typeof ListAgentsInput>>;

// The page asked for; on this server's first call, what the previous server of this project left.
async function listAgents(deps: ToolDeps, args: ListArgs, told: { first: boolean }) {
  const { first } = told;
  const after = args.cursor === undefined ? undefined : decodeCursor(args.cursor);
  if (after?.live === false && args.include_past !== true)
    throw new ServerError("INVALID_CURSOR", "this cursor pages past agents: pass include_past: true, as in the call that gave it");
  const { supervisor, worktrees, journal } = await deps.runtime();
  const views = supervisor.list();
  const needPast = journal !== undefined && (args.include_past === true || first);
  const past = needPast ? pastAgents(journal) : [];
  // The ids this server holds, to leave out of the past ones (none to leave out of none).
  const held = past.length === 0 ? new Set<string>() : new Set(views.map((v) => v.id));
  const predecessor =
    first && journal !== undefined
      ? predecessorOf(
          past.filter((p) => !held.has(p.summary.agent_id)),
          journal.server.id,
        )
      : undefined;
  told.first = false;
  const wanted = (status: string, cwd: string | undefined, label: string | undefined): boolean =>
    (args.status === undefined || status === args.status) &&
    (args.cwd === undefined || (cwd ?? "").startsWith(args.cwd)) &&
    (args.label === undefined || (label ?? "").includes(args.label));
  // Rows are made only for the page; the filters need no more than what each agent already holds.
  const live = views.filter((v) => wanted(v.status, v.cwd, v.label)).sort(byLaunch);
  const pastWanted = (p: PastAgent): boolean => !held.has(p.summary.agent_id) && wanted(p.status, p.summary.cwd, p.summary.label);
  const totalPast = args.include_past === true ? countPast(past, held, pastWanted, args.status ?? args.cwd ?? args.label) : 0;
  const total = live.length + totalPast;
  // The page's items only: live ones after the cursor, then past ones from the cursor's place in the
  // journal's listing (its order is the cursor's), filtered as they are taken, one more than a page.
  const limit = args.limit ?? DEFAULT_LIST_LIMIT;
  const rest: Item[] = after === undefined ? live : live.filter((v) => compareKeys(keyOf(v), after) > 0);
  for (let i = args.include_past === true ? pastAfter(past, after) : past.length; i < past.length && rest.length <= limit; i++) {
    const p = past[i] as PastAgent;
    if (pastWanted(p)) rest.push(p);
  }
  const said =
    predecessor === undefined
      ? []
      : [
          `The previous server of this project (pid ${predecessor.pid}) ${predecessor.how === "crashed" ? "stopped without shutting down (a crash or a kill)" : "exited"}, leaving ${predecessor.agents.length} agent(s): ${predecessor.agents.map((p) => `${p.summary.agent_id} (${p.summary.turns} turn(s), ${p.why})`).join(", ")}. resume_agent continues one; list_agents {include_past: true} lists them.`,
        ];
  const head = {
    total,
    ...(args.include_past === true ? { total_past: totalPast } : {}),
    ...(predecessor === undefined
      ? {}
      : {
          predecessor: {
            pid: predecessor.pid,
            how: predecessor.how,
            agents: predecessor.agents.map((p) => ({
              agent_id: p.summary.agent_id,
              ...definedFields({ label: p.summary.label }),
              status: p.status,
              turns: p.summary.turns,
              why: p.why,
            })),
          },
        }),
  };
  // What the result takes without its rows, a next_cursor and the line saying where to go on.
  const room = roomLeft(deps.maxResultChars, ok({ ...head, agents: [], next_cursor: "x".repeat(120) }, [...said, "x".repeat(200)].join("\n")));
  const page = pageOf(
    rest,
    { key: keyOf, row: (item: Item): Row => (isPast(item) ? pastRow(item) : liveRow(item, worktrees.view(item.id) ?? item.remoteWorktree)), line },
    limit,
    room,
  );
  const next = page.next === undefined ? undefined : encodeCursor(page.next);
  const more =
    next === undefined
      ? []
      : [
          `${page.rows.length} of ${total} shown; the next page: list_agents with cursor "${next}" (and the same filters${args.include_past === true ? ", include_past" : ""}).`,
        ];
  // Every row is an AgentRow by type, the rest of the result too: the SDK need not parse it again.
  return madeToSchema(
    ok({ agents: page.rows, ...head, ...definedFields({ next_cursor: next }) }, [...said, ...page.lines, ...more].join("\n") || "No agents."),
  );
}

// Past agents matching: with no filter, all but those this server holds (no pass over thousands).
function countPast(past: readonly PastAgent[], held: Set<string>, wanted: (p: PastAgent) => boolean, filtered: string | undefined): number {
  if (filtered === undefined) {
    let n = past.length;
    for (const id of held) if (pastIds(past).has(id)) n--;
    return n;
  }
  let n = 0;
  for (const p of past) if (wanted(p)) n++;
  return n;
}

// The ids of a listing of past agents (kept with the listing: the same while it is).
const idsOf = new WeakMap<readonly PastAgent[], Set<string>>();
function pastIds(past: readonly PastAgent[]): Set<string> {
  let ids = idsOf.get(past);
  if (ids === undefined) idsOf.set(past, (ids = new Set(past.map((p) => p.summary.agent_id))));
  return ids;
}

// A live agent's row (list_agents' fields after agentRow's): one per live agent per call.
function liveRow(v: AgentView, worktree: Parameters<typeof agentRow>[1]): Row {
  const tokens = v.usage.input + v.usage.output;
  return agentRow(v, worktree, {
    tokens: tokens === 0 ? undefined : tokens,
    pendingPermissions: v.permissions.length === 0 ? undefined : v.permissions.length,
    budgetNote: budgetNote(v),
  });
}

// A row in one line of text.
function line(a: Row): string {
  return `${a.agent_id} ${a.provider}${a.machine === undefined ? "" : `@${a.machine}`} ${a.status}${a.queue_position === undefined ? "" : ` (position ${String(a.queue_position)})`}${a.label === undefined ? "" : ` "${a.label}"`} turns=${a.turns}${a.pending_permissions === undefined ? "" : ` asks=${a.pending_permissions}`}${a.worktree === undefined ? "" : ` branch=${a.worktree.branch} changed=${String(a.worktree.changed_files ?? "?")} (${a.worktree.state})`}${a.why === undefined ? "" : ` (${a.why})`}${a.budget_note === undefined ? "" : ` budget ${a.budget_note}`}`;
}

// A past agent's row: ended (or running in another live server), how, and where.
function pastRow(p: PastAgent): Row {
  const s = p.summary;
  return {
    agent_id: s.agent_id,
    ...definedFields({ label: s.label }),
    provider: s.provider,
    ...definedFields({ model: s.model }),
    status: p.status as z.infer<typeof WireStatusSchema>,
    alive: false,
    turns: s.turns,
    cwd: s.cwd,
    ...(s.worktree === undefined ? {} : { worktree: { path: s.worktree.path, branch: s.worktree.branch, base: s.worktree.base, state: "kept" as const } }),
    past: true,
    why: p.why,
    last_at: s.last_at,
  };
}

// The budget in a few words: the limit reached, else the ones past 80 %.
function budgetNote(v: AgentView): string | undefined {
  const b = v.budget;
  if (b === undefined) return undefined;
  if (b.exceeded !== undefined) return `exceeded: ${b.exceeded}`;
  return b.warnings.length === 0 ? undefined : `near: ${b.warnings.join("; ")}`;
}
