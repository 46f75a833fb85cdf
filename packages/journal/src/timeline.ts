// One agent's life on a time axis, folded from its journal: its turns as spans, its permission
// waits and budget stops as marks, what it cost. `tree.ts` puts these rows into their agent tree.
import type { JournalEntry, RecordedUsage } from "./schema.js";

/** Characters of a prompt or a result a timeline keeps (the rest is in the transcript). */
export const HEAD_CHARS = 120;

/** One turn: from its start (its prompt, or the previous turn's end when it waited in the queue) to its end. */
export interface TimelineTurn {
  turn: number;
  start: string;
  /** Absent while the turn is under way. */
  end?: string;
  is_error: boolean;
  /** Interrupted, or cut by the agent's end (a kill, its server gone) before it finished. */
  interrupted: boolean;
  prompt_head: string;
  /** Absent when the turn has not finished. */
  result_head?: string;
  /** The CLI's figure, else priced from its tokens (absent: unknown). */
  cost_usd?: number;
  /** Input plus output tokens (cache reads and writes not counted, as on the dashboard's agent rows). */
  tokens?: number;
  duration_ms?: number;
}

/** A permission wait (from the request to the next status) or a budget stop (a point; `note` names the limit). */
export interface TimelineMark {
  kind: "permission" | "budget";
  at: string;
  /** When a permission wait ended; absent while it waits. */
  until?: string;
  note?: string;
}

/** One agent of a timeline. */
export interface TimelineRow {
  agent_id: string;
  /** The agent whose server launched it (the last of its lineage; in a tree, the nearest one still journaled); absent for a top-level agent. */
  parent?: string;
  /** 0 for the rows the timeline starts from, 1 for their children, and so on. */
  depth: number;
  provider: string;
  model?: string;
  label?: string;
  /** Its last status while it lives, how it ended otherwise ("ended" when its server went away without saying). */
  status: string;
  /** Its process runs (its server is alive and neither it nor its process ended). */
  live: boolean;
  started_at: string;
  /** Absent while it lives. */
  ended_at?: string;
  /** The sum of its turns' known costs (absent when none is known). */
  cost_usd?: number;
  /** Turns whose cost is unknown (no figure from the CLI, no price for the model): not in cost_usd. */
  unknown_cost_turns: number;
  turns: TimelineTurn[];
  marks: TimelineMark[];
}

/** Prices a finished turn whose CLI reported no cost (the usage package's `recordedCost`); the CLI's figure by default. */
export type TurnPrice = (turn: { model?: string; usage: RecordedUsage; cost_usd?: number }) => number | undefined;

/** A text's first {@link HEAD_CHARS} characters on one line ("…" when cut). */
export function head(text: string): string {
  // Only the start is looked at, and the head is copied: a slice would keep the whole text alive (a
  // timeline of a long journal would hold every result).
  const flat = text
    .slice(0, HEAD_CHARS * 8)
    .replace(/\s+/g, " ")
    .trim();
  const cut = text.length <= HEAD_CHARS * 8 && flat.length <= HEAD_CHARS ? flat : `${flat.slice(0, HEAD_CHARS - 1)}…`;
  return Buffer.from(cut, "utf8").toString("utf8");
}

const iso = (ms: number): string => new Date(ms).toISOString();
const later = (a: string, b: string | undefined): string => (b !== undefined && Date.parse(b) > Date.parse(a) ? b : a);

/** A turn as it is folded: its prompt's time until the turns around it are known. */
type Draft = TimelineTurn & { promptAt?: string };

/**
 * Folds an agent's entries (oldest first, streamed: none is kept) into its row, without parent and depth. `ownerAlive`:
 * whether the server that owns it still runs (a dead server's agents run no more).
 */
export function timelineRow(
  agentId: string,
  entries: Iterable<JournalEntry>,
  ownerAlive: boolean,
  price: TurnPrice = (t) => t.cost_usd,
): Omit<TimelineRow, "depth"> {
  const row: Omit<TimelineRow, "depth"> = {
    agent_id: agentId,
    provider: "",
    status: "unknown",
    live: false,
    started_at: "",
    unknown_cost_turns: 0,
    turns: [],
    marks: [],
  };
  let model: string | undefined;
  let alive = false;
  let end: { at: string; status: string } | undefined;
  let lastAt = "";
  let first = true;
  const drafts: Draft[] = [];
  // Turns with a prompt and no end yet, by number; a resume starts the numbering's open set afresh.
  const open = new Map<number, Draft>();
  let waiting: TimelineMark | undefined;
  // What was under way when the agent stopped (`at`) ends there, cut.
  const cut = (at: string): void => {
    for (const t of open.values()) Object.assign(t, { end: later(t.promptAt ?? at, at), interrupted: true });
    open.clear();
    if (waiting !== undefined) waiting.until = at;
    waiting = undefined;
  };
  for (const e of entries) {
    if (first) [first, row.started_at, lastAt] = [false, e.at, e.at];
    switch (e.t) {
      case "launch":
        Object.assign(row, { provider: e.provider, started_at: e.at });
        model = e.model;
        if (e.label !== undefined) row.label = e.label;
        if (e.lineage !== undefined && e.lineage.length > 0) row.parent = e.lineage.at(-1);
        break;
      case "resume":
        // The previous life ended with its last entry; what it left under way never finished.
        if (end === undefined) cut(lastAt);
        end = undefined;
        break;
      case "session":
        model = e.model ?? model;
        break;
      case "prompt": {
        if (open.has(e.turn)) break;
        const t: Draft = { turn: e.turn, start: e.at, promptAt: e.at, is_error: false, interrupted: false, prompt_head: head(e.text) };
        open.set(e.turn, t);
        drafts.push(t);
        break;
      }
      case "turn": {
        let t = open.get(e.turn);
        open.delete(e.turn);
        if (t === undefined)
          drafts.push((t = { turn: e.turn, start: iso(Date.parse(e.at) - e.duration_ms), is_error: false, interrupted: false, prompt_head: "" }));
        const cost = price({ ...(model === undefined ? {} : { model }), usage: e.usage, ...(e.cost_usd === undefined ? {} : { cost_usd: e.cost_usd }) });
        Object.assign(t, {
          end: e.at,
          is_error: e.is_error,
          interrupted: e.interrupted,
          result_head: head(e.result),
          tokens: e.usage.input + e.usage.output,
          duration_ms: e.duration_ms,
          ...(cost === undefined ? {} : { cost_usd: cost }),
        });
        if (cost === undefined) row.unknown_cost_turns++;
        else row.cost_usd = (row.cost_usd ?? 0) + cost;
        break;
      }
      case "status":
        if (waiting !== undefined) waiting.until = e.at;
        waiting = undefined;
        if (e.status === "permission_requested")
          row.marks.push((waiting = { kind: "permission", at: e.at, ...(e.note === undefined ? {} : { note: e.note }) }));
        else if (e.status === "budget_exceeded") row.marks.push({ kind: "budget", at: e.at, ...(e.note === undefined ? {} : { note: e.note }) });
        row.status = e.status;
        alive = e.alive;
        break;
      case "end":
        cut(e.at);
        end = { at: e.at, status: e.status };
        break;
      case "tool":
      case "error":
        break;
    }
    lastAt = later(lastAt, e.at);
  }
  row.live = alive && end === undefined && ownerAlive;
  if (!row.live) {
    const stopped = end?.at ?? lastAt;
    cut(stopped);
    row.ended_at = stopped;
    // Its server went away while it ran, without a word: it ended there.
    row.status = end?.status ?? (alive ? "ended" : row.status);
  }
  if (model !== undefined) row.model = model;
  if (row.cost_usd !== undefined) row.cost_usd = Math.round(row.cost_usd * 1e6) / 1e6;
  row.turns = placed(drafts);
  return row;
}

// A queued turn starts when the one before it ended, not when its message came.
function placed(drafts: Draft[]): TimelineTurn[] {
  let previousEnd: string | undefined;
  return drafts.map(({ promptAt, ...t }) => {
    if (promptAt !== undefined) t.start = later(promptAt, previousEnd);
    if (t.end !== undefined) {
      t.end = later(t.end, t.start);
      previousEnd = t.end;
    }
    return t;
  });
}
