import { z } from "zod";
import { applyOp, type Board } from "@subagent-mcp/board";

// The board in Redis is a list of JSON lines `{op, at}`, one per accepted operation, and the
// board is the fold of those lines through the reducer, as the local store folds its file. A
// fold remembers how many entries it has read, so catching up reads only what was pushed since.

const JournalLineSchema = z.object({ op: z.unknown(), at: z.number() });

export interface Fold {
  readonly board: Board;
  /** Entries of the list folded so far. */
  readonly length: number;
  /** Entries left out of the board, each with why (a line none of ours wrote, a refused operation). */
  readonly skipped: readonly string[];
}

/** `fold` after the entries `lines`, the first of which is entry `fold.length` of the list. */
export function foldLines(fold: Fold, lines: readonly string[]): Fold {
  let { board } = fold;
  const skipped = [...fold.skipped];
  lines.forEach((line, i) => {
    const folded = foldLine(board, line);
    if (typeof folded === "string") skipped.push(`journal entry ${fold.length + i}: ${folded}`);
    else board = folded;
  });
  return { board, length: fold.length + lines.length, skipped };
}

/** The board after one journal line, or why the line is left out. */
function foldLine(board: Board, line: string): Board | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "not JSON, skipped (no board writes such an entry)";
  }
  const parsed = JournalLineSchema.safeParse(value);
  if (!parsed.success) return "not an operation line ({op, at}), skipped";
  const applied = applyOp(board, parsed.data.op, parsed.data.at);
  // Only accepted operations are pushed, so a refusal here means the entry was not pushed by a
  // board with these options: it is left out, as it was refused, rather than stopping the board.
  if ("error" in applied) return `refused on reading (${applied.error.code}: ${applied.error.message}), skipped`;
  return applied.board;
}
