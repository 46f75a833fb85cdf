// Agents of the project read back from the journal: those no live server holds, and any agent's
// conversation when no live server can tell it.
import { byNewest, endedWhy, listAgents, SummaryCache, turnsBefore, type JournalTurn } from "@subagent-mcp/journal";
import type { PastAgentView, PastPage } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract";

/** The project's agents in the journal that no live server holds (pool replicas left out), newest first. */
export function pastAgentViews(agentsDir: string, project: string, live: Set<string>, costs: Map<string, number>, summaries?: SummaryCache): PastAgentView[] {
  return listAgents(agentsDir, { project }, summaries)
    .filter((s) => s.pool === undefined && !live.has(s.agent_id))
    .map((s) => {
      const status = s.owner_alive && s.alive ? s.status : "ended";
      const cost = costs.get(s.agent_id);
      return {
        agent_id: s.agent_id,
        ...definedFields({ label: s.label }),
        provider: s.provider,
        ...definedFields({ model: s.model }),
        status,
        alive: false,
        past: true,
        turns: s.turns,
        cwd: s.cwd,
        ...definedFields({ worktree: s.worktree }),
        why: endedWhy(s),
        created_at: s.created_at,
        last_at: s.last_at,
        ...(status === "ended" ? { ended_at: s.last_at } : {}),
        ...(cost === undefined ? {} : { cost_usd: Math.round(cost * 10_000) / 10_000 }),
        ...(status !== "ended" && s.owner !== undefined ? { owner_pid: s.owner.pid } : {}),
      } satisfies PastAgentView;
    });
}

/** Past agents the state holds (the newest); the page asks `/api/past` for the following ones. */
export const PAST_PAGE = 50;
/** Past agents one `/api/past` page holds at most. */
const MAX_PAST_PAGE = 500;

// A cursor names the last agent of a page: its last_at and id, the listing's order.
const cursorOf = (v: PastAgentView): string => Buffer.from(JSON.stringify([v.last_at, v.agent_id])).toString("base64url");

function fromCursor(cursor: string): { last_at: string; agent_id: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(parsed) && typeof parsed[0] === "string" && typeof parsed[1] === "string") return { last_at: parsed[0], agent_id: parsed[1] };
  } catch {
    // Not one of ours: the first page.
  }
  return undefined;
}

/**
 * A page of `all` (newest first): the `limit` agents after the one `cursor` names (by order, so an
 * agent ending meanwhile, now at the top, shifts nothing), and the cursor of the page after it.
 */
export function pastPage(all: readonly PastAgentView[], cursor: string | undefined, limit = PAST_PAGE): PastPage {
  const after = cursor === undefined ? undefined : fromCursor(cursor);
  const from = after === undefined ? 0 : firstAfter(all, after);
  const n = Math.min(Math.max(1, Math.floor(limit) || PAST_PAGE), MAX_PAST_PAGE);
  const past = all.slice(from, from + n);
  const last = past.at(-1);
  return { past, total: all.length, ...(from + n < all.length && last !== undefined ? { next_cursor: cursorOf(last) } : {}) };
}

// The index of the first agent after `c` in byNewest order: binary search.
function firstAfter(all: readonly PastAgentView[], c: { last_at: string; agent_id: string }): number {
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byNewest(all[mid] as PastAgentView, c) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Characters of a turn's result kept in a transcript read from the journal. */
const MAX_RESULT_CHARS = 16_000;
/** Characters of turns (results cut) one page of a past transcript holds at most: its newest turns that fit. */
export const PAGE_CHARS = 400_000;

// A turn as the page shows it: no usage, a long result cut (saying how long it was).
function shown({ usage: _usage, ...t }: JournalTurn): Omit<JournalTurn, "usage"> & { result_chars?: number } {
  return t.result === undefined || t.result.length <= MAX_RESULT_CHARS
    ? t
    : { ...t, result: `${t.result.slice(0, MAX_RESULT_CHARS)}…`, result_chars: t.result.length };
}

const chars = (turns: JournalTurn[]): number => turns.reduce((n, t) => n + JSON.stringify(shown(t)).length, 0);

/**
 * A page of an agent's conversation from its journal, shaped like the transcript tool's result:
 * its newest turns before `before` (default: the newest) that fit {@link PAGE_CHARS}, read
 * backwards from the journal's end; `earlier_turn` is the `before` of the page before it. Throws
 * the journal's NOT_FOUND.
 */
export function journalTranscript(agentsDir: string, agentId: string, before = Number.MAX_SAFE_INTEGER): Record<string, unknown> {
  const read = turnsBefore(agentsDir, agentId, before, (t) => chars(t) > PAGE_CHARS);
  const turns = [...read.turns];
  // The oldest turn read may be the one that did not fit; the newest is kept whatever its size.
  while (turns.length > 1 && chars(turns) > PAGE_CHARS) turns.shift();
  const first = turns[0]?.turn;
  return {
    agent_id: agentId,
    turns: turns.map(shown),
    total_turns: read.newestTurn,
    ...(first !== undefined && first > 1 ? { earlier_turn: first } : {}),
    ...(read.resumes.length === 0 ? {} : { resumes: read.resumes }),
    ...(read.skipped === 0 ? {} : { skipped_lines: read.skipped }),
  };
}

/** How long past agents are reused while nothing said they changed. */
const PAST_MAX_AGE_MS = 30_000;

/**
 * {@link pastAgentViews}, read again only when told (a server changed, the journal directory changed),
 * when the set of live agents changed, or after {@link PAST_MAX_AGE_MS}; each reading reads again
 * only the journals that changed since the one before.
 */
export class PastCache {
  readonly #summaries = new SummaryCache();
  #live = "";
  #costs: Map<string, number> | undefined;
  #at = 0;
  #last: PastAgentView[] = [];
  #stale = true;

  constructor(
    private readonly agentsDir: string,
    private readonly project: string,
  ) {}

  /** Something may have changed: the next {@link get} reads the journal. */
  invalidate(): void {
    this.#stale = true;
  }

  /** The views for these live agents and these costs: `costs` told apart by identity (the usage cache hands back the same map while it stands), not by a key of every agent's cost. */
  get(live: Set<string>, costs: Map<string, number>): PastAgentView[] {
    const key = [...live].sort().join("\n");
    const now = Date.now();
    if (this.#stale || key !== this.#live || costs !== this.#costs || now - this.#at >= PAST_MAX_AGE_MS) {
      this.#stale = false;
      this.#live = key;
      this.#costs = costs;
      this.#at = now;
      this.#last = pastAgentViews(this.agentsDir, this.project, live, costs, this.#summaries);
    }
    return this.#last;
  }
}
