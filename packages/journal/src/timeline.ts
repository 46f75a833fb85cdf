// One agent's life on a time axis, folded from its journal: its turns as spans, its permission
// waits and budget stops as marks, what it cost. `tree.ts` puts these rows into their agent tree.
import { receiptLine, type RecordedUsage, type TimelineMark, type TimelineRow, type TimelineTurn } from "@subagent-mcp/contract";
import type { JournalEntry } from "./schema.js";
import { definedFields } from "@subagent-mcp/contract/fields";

/** Characters of a prompt or a result a timeline keeps (the rest is in the transcript). */
const HEAD_CHARS = 120;

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

type Row = Omit<TimelineRow, "depth">;
type Entry<T extends JournalEntry["t"]> = Extract<JournalEntry, { t: T }>;

// One agent's row as its entries come in (oldest first): what each kind of entry changes.
class RowFold {
  readonly row: Row;
  #model: string | undefined;
  #alive = false;
  #end: { at: string; status: string } | undefined;
  #lastAt = "";
  #first = true;
  readonly #drafts: Draft[] = [];
  // Turns with a prompt and no end yet, by number; a resume starts the numbering's open set afresh.
  readonly #open = new Map<number, Draft>();
  #waiting: TimelineMark | undefined;

  constructor(
    agentId: string,
    private readonly price: TurnPrice,
  ) {
    this.row = { agent_id: agentId, provider: "", status: "unknown", live: false, started_at: "", unknown_cost_turns: 0, turns: [], marks: [] };
  }

  add(e: JournalEntry): void {
    if (this.#first) [this.#first, this.row.started_at, this.#lastAt] = [false, e.at, e.at];
    switch (e.t) {
      case "launch":
        Object.assign(this.row, { provider: e.provider, started_at: e.at });
        this.#model = e.model;
        if (e.label !== undefined) this.row.label = e.label;
        if (e.lineage !== undefined && e.lineage.length > 0) this.row.parent = e.lineage.at(-1);
        break;
      case "resume":
        // The previous life ended with its last entry; what it left under way never finished.
        if (this.#end === undefined) this.#cut(this.#lastAt);
        this.#end = undefined;
        break;
      case "session":
        this.#model = e.model ?? this.#model;
        break;
      case "prompt":
        this.#prompt(e);
        break;
      case "turn":
        this.#turn(e);
        break;
      case "status":
        this.#status(e);
        break;
      case "end":
        this.#cut(e.at);
        this.#end = { at: e.at, status: e.status };
        break;
      case "tool":
      case "error":
        break;
    }
    this.#lastAt = later(this.#lastAt, e.at);
  }

  /** The row once every entry is in; `ownerAlive`: whether the server that owns the agent still runs. */
  finish(ownerAlive: boolean): Row {
    const row = this.row;
    row.live = this.#alive && this.#end === undefined && ownerAlive;
    if (!row.live) {
      const stopped = this.#end?.at ?? this.#lastAt;
      this.#cut(stopped);
      row.ended_at = stopped;
      // Its server went away while it ran, without a word: it ended there.
      row.status = this.#end?.status ?? (this.#alive ? "ended" : row.status);
    }
    if (this.#model !== undefined) row.model = this.#model;
    if (row.cost_usd !== undefined) row.cost_usd = Math.round(row.cost_usd * 1e6) / 1e6;
    row.turns = placed(this.#drafts);
    return row;
  }

  // What was under way when the agent stopped (`at`) ends there, cut.
  #cut(at: string): void {
    for (const t of this.#open.values()) Object.assign(t, { end: later(t.promptAt ?? at, at), interrupted: true });
    this.#open.clear();
    if (this.#waiting !== undefined) this.#waiting.until = at;
    this.#waiting = undefined;
  }

  #prompt(e: Entry<"prompt">): void {
    if (this.#open.has(e.turn)) return;
    const t: Draft = { turn: e.turn, start: e.at, promptAt: e.at, is_error: false, interrupted: false, prompt_head: head(e.text) };
    this.#open.set(e.turn, t);
    this.#drafts.push(t);
  }

  #turn(e: Entry<"turn">): void {
    let t = this.#open.get(e.turn);
    this.#open.delete(e.turn);
    if (t === undefined)
      this.#drafts.push((t = { turn: e.turn, start: iso(Date.parse(e.at) - e.duration_ms), is_error: false, interrupted: false, prompt_head: "" }));
    const model = this.#model;
    const cost = this.price({ ...definedFields({ model }), usage: e.usage, ...definedFields({ cost_usd: e.cost_usd }) });
    Object.assign(t, {
      end: e.at,
      is_error: e.is_error,
      interrupted: e.interrupted,
      result_head: head(e.result),
      tokens: e.usage.input + e.usage.output,
      duration_ms: e.duration_ms,
      ...definedFields({ cost_usd: cost, receipt_line: e.receipt === undefined ? undefined : receiptLine(e.receipt) }),
    });
    if (cost === undefined) this.row.unknown_cost_turns++;
    else this.row.cost_usd = (this.row.cost_usd ?? 0) + cost;
  }

  #status(e: Entry<"status">): void {
    if (this.#waiting !== undefined) this.#waiting.until = e.at;
    this.#waiting = undefined;
    const note = e.note === undefined ? {} : { note: e.note };
    if (e.status === "permission_requested") this.row.marks.push((this.#waiting = { kind: "permission", at: e.at, ...note }));
    else if (e.status === "budget_exceeded") this.row.marks.push({ kind: "budget", at: e.at, ...note });
    this.row.status = e.status;
    this.#alive = e.alive;
  }
}

/**
 * Folds an agent's entries (oldest first, streamed: none is kept) into its row, without parent and depth. `ownerAlive`:
 * whether the server that owns it still runs (a dead server's agents run no more).
 */
export function timelineRow(agentId: string, entries: Iterable<JournalEntry>, ownerAlive: boolean, price: TurnPrice = (t) => t.cost_usd): Row {
  const fold = new RowFold(agentId, price);
  for (const e of entries) fold.add(e);
  return fold.finish(ownerAlive);
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
