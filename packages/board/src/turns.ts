import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

// Which task each member's turn worked on, and what it cost: one JSON line per turn in the board's
// folder (`turns.jsonl`), appended by the server that runs the team when the turn ends. The board's
// journal says what happened to the tasks; this file says which turns did it, so that the dashboard,
// `logs --tree` and `usage --by board` join turns to tasks without guessing from times.

export const BoardTurnSchema = z.object({
  /** When the turn ended (ISO 8601). */
  at: z.string(),
  board: z.string(),
  /** The member (the agent's id as the board knows it). */
  member: z.string(),
  provider: z.string().optional(),
  model: z.string().optional(),
  /** 1-based turn of the agent's life. */
  turn: z.number().int().min(1),
  /** The tasks the turn claimed, finished, failed or reviewed. */
  keys: z.array(z.string()),
  /** What the turn did to them, e.g. "done", "sent back", "approved", "released". */
  outcome: z.string().optional(),
  cost_usd: z.number().optional(),
  tokens: z.object({ input: z.number(), output: z.number() }).partial().optional(),
});
export type BoardTurn = z.infer<typeof BoardTurnSchema>;

const TURNS = "turns.jsonl";

/** Appends one turn to board folder `dir`. */
export async function appendBoardTurn(dir: string, turn: BoardTurn): Promise<void> {
  await appendFile(join(dir, TURNS), `${JSON.stringify(BoardTurnSchema.parse(turn))}\n`, { mode: 0o600 });
}

/** The turns of board folder `dir`, oldest first (a line that does not parse is left out). */
export async function readBoardTurns(dir: string): Promise<BoardTurn[]> {
  return parseBoardTurns(await readFile(join(dir, TURNS), "utf8").catch(() => "")).turns;
}

/** The turns in a `turns.jsonl` text, and how many of its lines did not parse. */
export function parseBoardTurns(text: string): { turns: BoardTurn[]; skipped: number } {
  const turns: BoardTurn[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const parsed = BoardTurnSchema.safeParse(JSON.parse(line));
      if (parsed.success) turns.push(parsed.data);
      else skipped++;
    } catch {
      // A line cut by a crash: the others still count.
      skipped++;
    }
  }
  return { turns, skipped };
}

/** The turns file in board folder `dir`. */
export const boardTurnsFile = (dir: string): string => join(dir, TURNS);
