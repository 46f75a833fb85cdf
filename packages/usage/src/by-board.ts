import { DEFAULT_PRICES } from "./default-prices.js";
import type { PriceTable, UsageRow } from "./schema.js";
import { addTurn, emptyRow, type UsageSummary } from "./summarize.js";
import type { TurnRecord } from "./turns.js";

// `usage --by board`: what the members of each team board spent, per board and per task, from the
// board's own record of its turns (its `turns.jsonl`: which member's turn worked on which tasks, and
// what it cost). Read from the board, not joined to the journals, so a member whose journal is on
// another machine of the fleet still counts, and a turn spent on no board is not guessed onto one.

/** A member's turn on a board as this grouping reads it (@subagent-mcp/board's `BoardTurn`, by shape). */
interface BoardTurnRecord {
  at: string;
  member: string;
  provider?: string | undefined;
  model?: string | undefined;
  /** The tasks the turn worked on. */
  keys: string[];
  cost_usd?: number | undefined;
  tokens?: { input?: number | undefined; output?: number | undefined } | undefined;
}

/** A row of `usage --by board` (the CLI's own grouping, not the usage tool's): a board's, or with `task` one of its tasks'. */
export type BoardUsageRow = UsageRow & { board: string; task?: string };

/** A summary by board: each board's row followed by its tasks'. */
type BoardUsageSummary = UsageSummary & { rows: BoardUsageRow[] };

/** The task row of a board's turns that named no task. */
const NO_TASK = "(no task)";

interface BoardSummaryOptions {
  /** Only turns that ended at or after this. */
  since?: Date;
  /** Price table (default: the built-in one), for a turn whose cost the board did not record. */
  prices?: PriceTable;
}

/**
 * Usage per board, each followed by its tasks' rows (key "BOARD/TASK"), boards from the costliest,
 * tasks within their board likewise; the total counts each turn once. A turn that worked on several
 * tasks splits its tokens and cost evenly between them (a third each for three), and counts as a turn
 * of each: a board's task rows add up to its row in tokens and cost, not in turns. A turn whose cost
 * the board did not record is priced from its model and tokens, else counted as unknown (never as 0).
 */
export function summarizeBoards(
  boards: readonly { board: string; turns: readonly BoardTurnRecord[]; skipped?: number }[],
  options: BoardSummaryOptions = {},
): BoardUsageSummary {
  const since = options.since?.getTime();
  const prices = options.prices ?? DEFAULT_PRICES;
  const total = emptyRow("total");
  const groups: { row: BoardUsageRow; tasks: BoardUsageRow[] }[] = [];
  let skipped = 0;
  for (const { board, turns, skipped: cut } of boards) {
    skipped += cut ?? 0;
    const row: BoardUsageRow = { ...emptyRow(board), board };
    const tasks = new Map<string, BoardUsageRow>();
    for (const b of turns) {
      if (since !== undefined && !(Date.parse(b.at) >= since)) continue;
      const t = record(b);
      addTurn(row, t, prices);
      addTurn(total, t, prices);
      const keys = b.keys.length === 0 ? [NO_TASK] : [...new Set(b.keys)];
      for (const task of keys) {
        let taskRow = tasks.get(task);
        if (taskRow === undefined) tasks.set(task, (taskRow = { ...emptyRow(`${board}/${task}`), board, task }));
        addTurn(taskRow, t, prices, 1 / keys.length);
      }
    }
    if (row.turns === 0) continue;
    // Split tokens are whole again in the table: a task's share is rounded, its cost is not.
    for (const r of tasks.values()) for (const k of ["input", "output", "cache_read", "cache_write"] as const) r[k] = Math.round(r[k]);
    groups.push({ row, tasks: [...tasks.values()].sort(costliest) });
  }
  const rows = groups.sort((a, b) => costliest(a.row, b.row)).flatMap((g) => [g.row, ...g.tasks]);
  return { rows, total, skipped_lines: skipped };
}

const costliest = (a: UsageRow, b: UsageRow): number => (b.cost_usd ?? 0) - (a.cost_usd ?? 0) || b.turns - a.turns || a.key.localeCompare(b.key);

// The board's turn as usage's turn: its cost as the board recorded it, its tokens without cache counts (the board keeps none).
function record(b: BoardTurnRecord): TurnRecord {
  const t: TurnRecord = {
    agent: b.member,
    provider: b.provider ?? "",
    at: b.at,
    usage: { input: b.tokens?.input ?? 0, output: b.tokens?.output ?? 0, cache_read: 0, cache_write: 0 },
  };
  if (b.model !== undefined) t.model = b.model;
  if (b.cost_usd !== undefined) t.cost_usd = b.cost_usd;
  return t;
}
