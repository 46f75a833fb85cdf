import { foldLine, type Board } from "@subagent-mcp/board";

// The board in Redis is a list of JSON lines `{op, at}`, one per accepted operation, and the
// board is the fold of those lines through the reducer, as the local store folds its file. A
// fold remembers how many entries it has read, so catching up reads only what was pushed since.
// Each entry is read as the local store reads a line (the board's one `foldLine`).

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
