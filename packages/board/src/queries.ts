import { teamOf, whyNotClaimable } from "./board.js";
import { BoardOptionsSchema, type Board, type BoardOptionsInput, type Task, type TaskStatus } from "./schema.js";

// Questions asked of a board without changing it: what a member may take, where the board
// stands, and what changed between two boards (what a waiting orchestrator is woken for).

/** An empty board with `options` (defaults filled in). */
export function emptyBoard(options: BoardOptionsInput = {}): Board {
  return { options: BoardOptionsSchema.parse(options), tasks: [] };
}

/** The tasks `member` may claim now, in the order they were added (reviews to take included). */
export function claimable(board: Board, member: string): Task[] {
  const team = teamOf(board);
  if (team !== undefined && !team.includes(member)) return [];
  return board.tasks.filter((t) => whyNotClaimable(board, t, member) === undefined);
}

export interface BoardSummary {
  readonly total: number;
  readonly counts: Readonly<Record<TaskStatus, number>>;
  /** Every task is done or cancelled (and there is at least one). */
  readonly all_done: boolean;
  /** Waiting tasks that never can open: some task they wait on (directly or not) failed or was cancelled. */
  readonly stuck: readonly string[];
}

export function summary(board: Board): BoardSummary {
  const counts: Record<TaskStatus, number> = { waiting: 0, open: 0, claimed: 0, in_review: 0, done: 0, failed: 0, cancelled: 0 };
  for (const t of board.tasks) counts[t.state.status] += 1;
  const total = board.tasks.length;
  return { total, counts, all_done: total > 0 && counts.done + counts.cancelled === total, stuck: stuckKeys(board) };
}

function stuckKeys(board: Board): string[] {
  const dead = new Set(board.tasks.filter((t) => t.state.status === "failed" || t.state.status === "cancelled").map((t) => t.key));
  const waiting = board.tasks.filter((t) => t.state.status === "waiting");
  const stuck = new Set<string>();
  // Spread until nothing changes: at most one pass per link of the longest chain.
  for (let grew = true; grew;) {
    grew = false;
    for (const t of waiting) {
      if (!stuck.has(t.key) && (t.depends_on ?? []).some((d) => dead.has(d) || stuck.has(d))) {
        stuck.add(t.key);
        grew = true;
      }
    }
  }
  return waiting.filter((t) => stuck.has(t.key)).map((t) => t.key);
}

export interface BoardChanges {
  readonly done: readonly string[];
  readonly failed: readonly string[];
  /** Sent back to open since: by a reviewer, a suspect receipt, or a claimer gone. */
  readonly sent_back: readonly string[];
  readonly in_review: readonly string[];
  /** The board is all done now and was not before. */
  readonly became_all_done: boolean;
  /** Whether anything above is worth waking for. */
  readonly any: boolean;
}

export function changes(before: Board, after: Board): BoardChanges {
  const was = new Map(before.tasks.map((t) => [t.key, t]));
  const became = (status: TaskStatus): string[] =>
    after.tasks.filter((t) => t.state.status === status && was.get(t.key)?.state.status !== status).map((t) => t.key);
  const sent_back = after.tasks.filter((t) => t.state.status === "open" && t.tries > (was.get(t.key)?.tries ?? 0)).map((t) => t.key);
  const done = became("done");
  const failed = became("failed");
  const in_review = became("in_review");
  const became_all_done = summary(after).all_done && !summary(before).all_done;
  const any = done.length + failed.length + sent_back.length + in_review.length > 0 || became_all_done;
  return { done, failed, sent_back, in_review, became_all_done, any };
}
