import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { boardTurnsFile, parseBoardTurns, type BoardTurn } from "./turns.js";

// The boards' turns as the readers that run synchronously need them (the journal's agent tree, the
// usage table): every board folder's `turns.jsonl` read at once, and each member's turn joined to the
// tasks it worked on by (agent id, turn number), the pair both the journal and the board record.

/** The boards under `boardsDir` (the state folder's `boards`): its subfolders, by name; none when it does not exist. */
export function boardNames(boardsDir: string): string[] {
  try {
    return readdirSync(boardsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith("."))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

/** One board's turns, named by its folder, and its lines that did not parse. */
export interface BoardTurns {
  board: string;
  turns: BoardTurn[];
  skipped: number;
}

/** The turns of each board under `boardsDir`, or only of `only` (a board's name among {@link boardNames}). */
export function allBoardTurns(boardsDir: string, only?: string): BoardTurns[] {
  // Only names listed from the folder are read: a name given by a user never becomes a path by itself.
  return boardNames(boardsDir)
    .filter((board) => only === undefined || board === only)
    .map((board) => {
      const text = readTextOrEmpty(boardTurnsFile(join(boardsDir, board)));
      return { board, ...parseBoardTurns(text) };
    });
}

function readTextOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    // A board whose members have not finished a turn yet.
    return "";
  }
}

/** The tasks one turn worked on, on one board. */
export interface TurnTasks {
  board: string;
  keys: string[];
}

/**
 * Marks each turn of `rows` (the journal's agent tree: one row per agent, its turns numbered) with the
 * board tasks it worked on, when its agent is a member of a board under `boardsDir`. A turn on no
 * board is left as it is. The rows are changed in place.
 */
export function markBoardTasks(rows: readonly { agent_id: string; turns: { turn: number; tasks?: TurnTasks[] }[] }[], boardsDir: string): void {
  if (rows.length === 0) return;
  const byTurn = new Map<string, TurnTasks[]>();
  for (const { board, turns } of allBoardTurns(boardsDir)) {
    for (const t of turns) {
      const id = `${t.member}\n${String(t.turn)}`;
      const list = byTurn.get(id) ?? [];
      // A member's turn recorded twice on one board shows its tasks once.
      const same = list.find((x) => x.board === board);
      if (same === undefined) list.push({ board, keys: [...new Set(t.keys)] });
      else same.keys = [...new Set([...same.keys, ...t.keys])];
      byTurn.set(id, list);
    }
  }
  if (byTurn.size === 0) return;
  for (const row of rows) {
    for (const turn of row.turns) {
      const tasks = byTurn.get(`${row.agent_id}\n${String(turn.turn)}`);
      if (tasks !== undefined) turn.tasks = tasks.map((t) => ({ board: t.board, keys: [...t.keys] }));
    }
  }
}
