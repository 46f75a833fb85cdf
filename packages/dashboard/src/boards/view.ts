// A team board as the page draws it: from the board (its journal folded) and its members' turns, one
// column per state, each card saying who holds the task and since when, what it waits on, why it was
// sent back, its result's head, its receipt's line, and what the turns on it cost. Pure: the same
// board and turns give the same view, which is what the tests check and what the state's key compares.
import { summary, type Board, type BoardTurn, type Task } from "@subagent-mcp/board";
import { BOARD_COLUMNS, receiptLine, ReceiptSchema, type BoardCard, type BoardView } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract";

/** Characters of a result a card holds: its head; the whole is the agent's transcript's. */
export const RESULT_HEAD_CHARS = 280;

const round = (n: number): number => Math.round(n * 10_000) / 10_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** Board `name`'s view from its board and turns; `updatedAt` is when its journal last changed. */
export function boardView(name: string, board: Board, turns: readonly BoardTurn[], updatedAt?: Date): BoardView {
  const s = summary(board);
  const costs = taskCosts(turns);
  const statusOf = new Map(board.tasks.map((t) => [t.key, t.state.status]));
  const stuck = new Set(s.stuck);
  const cards = board.tasks.map((t) => card(t, board, statusOf, stuck.has(t.key), costs.get(t.key)));
  const known = turns.filter((t) => t.cost_usd !== undefined);
  return {
    name,
    total: s.total,
    counts: { ...s.counts },
    all_done: s.all_done,
    stuck: [...s.stuck],
    team: (board.team ?? []).map((m) => ({ name: m.name, ...definedFields({ vendor: m.vendor }) })),
    turns: turns.length,
    cost_usd: round(known.reduce((sum, t) => sum + (t.cost_usd ?? 0), 0)),
    unknown_cost_turns: turns.length - known.length,
    columns: BOARD_COLUMNS.map((status) => ({ status, cards: cards.filter((c) => c.status === status) })),
    ...(updatedAt === undefined ? {} : { updated_at: updatedAt.toISOString() }),
  };
}

interface TaskCost {
  turns: number;
  cost?: number;
}

/**
 * Each task's turns and cost. A turn that worked on several tasks counts once on each, its cost
 * shared evenly between them, so the tasks' costs add up to the board's (turns on no task aside).
 */
function taskCosts(turns: readonly BoardTurn[]): Map<string, TaskCost> {
  const out = new Map<string, TaskCost>();
  for (const t of turns) {
    const keys = [...new Set(t.keys)];
    for (const key of keys) {
      const c = out.get(key) ?? { turns: 0 };
      c.turns += 1;
      if (t.cost_usd !== undefined) c.cost = (c.cost ?? 0) + t.cost_usd / keys.length;
      out.set(key, c);
    }
  }
  return out;
}

function card(task: Task, board: Board, statusOf: Map<string, Task["state"]["status"]>, stuck: boolean, cost: TaskCost | undefined): BoardCard {
  return {
    key: task.key,
    title: task.title,
    status: task.state.status,
    ...where(task.state),
    ...definedFields({ assignee: task.assignee }),
    depends_on: (task.depends_on ?? []).map((key) => ({ key, status: statusOf.get(key) ?? "missing" })),
    stuck,
    tries: task.tries,
    max_tries: board.options.max_tries,
    ...(task.sent_back === undefined ? {} : { sent_back: { by: task.sent_back.by, reasons: [...task.sent_back.reasons] } }),
    ...finished(task.state),
    ...(cost?.cost === undefined ? {} : { cost_usd: round(cost.cost) }),
    turns: cost?.turns ?? 0,
  };
}

/** Who holds the task and since when. */
function where(state: Task["state"]): Pick<BoardCard, "holder" | "reviewer" | "since" | "seen_at" | "reason"> {
  switch (state.status) {
    case "claimed":
      return { holder: state.by, since: iso(state.at), seen_at: iso(state.seen_at) };
    case "in_review":
      return { holder: state.by, since: iso(state.at), ...definedFields({ reviewer: state.reviewer }) };
    case "done":
      return { holder: state.by, since: iso(state.at) };
    case "failed":
      return { since: iso(state.at), reason: state.reason };
    default:
      return {};
  }
}

/** A finished task's result (its head) and its receipt's line. */
function finished(state: Task["state"]): Pick<BoardCard, "result" | "result_chars" | "receipt"> {
  if (state.status !== "in_review" && state.status !== "done") return {};
  const long = state.result.length > RESULT_HEAD_CHARS;
  return {
    result: long ? `${state.result.slice(0, RESULT_HEAD_CHARS)}…` : state.result,
    ...(long ? { result_chars: state.result.length } : {}),
    ...receiptOf(state.receipt),
  };
}

/** A receipt of the shape this version knows, in one line; another shape (or none) shows none. */
function receiptOf(receipt: unknown): Pick<BoardCard, "receipt"> {
  if (receipt === undefined) return {};
  const parsed = ReceiptSchema.safeParse(receipt);
  if (!parsed.success) return {};
  const r = parsed.data;
  return {
    receipt: {
      line: receiptLine(r),
      suspect: (r.suspect ?? []).length > 0,
      ...(r.review === undefined ? {} : { review: r.review.verdict }),
    },
  };
}
