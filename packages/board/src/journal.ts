import { open } from "node:fs/promises";
import { z } from "zod";
import { applyOp } from "./board.js";
import type { Board } from "./schema.js";

// The board on disk is an append-only journal: one JSON line `{op, at}` per accepted operation,
// and the board is the fold of those lines through the reducer. A fold remembers how many bytes
// it has read, so catching up reads only what other processes appended since.

const JournalLineSchema = z.object({ op: z.unknown(), at: z.number() });

export interface Fold {
  readonly board: Board;
  /** Bytes of the journal folded so far: always just after a newline. */
  readonly offset: number;
  /** Lines left out of the board, each with why (a write cut short by a crash, a refused operation). */
  readonly skipped: readonly string[];
}

const NEWLINE = 0x0a;

/**
 * The fold caught up with the journal at `path`. Only whole lines are read: a line still being
 * written by another process is read on a later call, once its newline is there. `tail` is the
 * count of bytes after the last newline (a holder of the lock sees in them a line a crash cut).
 */
export async function catchUp(path: string, fold: Fold, empty: Board): Promise<{ fold: Fold; tail: number }> {
  const handle = await open(path, "a+");
  try {
    const size = (await handle.stat()).size;
    // A journal shorter than what was read is a new one (removed and started again): fold it anew.
    const from = size < fold.offset ? { board: empty, offset: 0, skipped: [] } : fold;
    if (size === from.offset) return { fold: from, tail: 0 };
    const bytes = Buffer.alloc(size - from.offset);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, from.offset);
    const chunk = bytes.subarray(0, bytesRead);
    const end = chunk.lastIndexOf(NEWLINE) + 1;
    let { board } = from;
    const skipped = [...from.skipped];
    let start = 0;
    while (start < end) {
      const stop = chunk.indexOf(NEWLINE, start);
      const at = from.offset + start;
      const line = chunk.subarray(start, stop).toString("utf8");
      start = stop + 1;
      if (line.trim() === "") continue;
      const folded = foldLine(board, line);
      if (typeof folded === "string") skipped.push(`journal line at byte ${at}: ${folded}`);
      else board = folded;
    }
    return { fold: { board, offset: from.offset + end, skipped }, tail: chunk.length - end };
  } finally {
    await handle.close();
  }
}

/**
 * The board after one journal line, or why the line is left out: the one reading of a journal entry
 * `{op, at}` for every store (a file's line here, a Redis list's entry in @subagent-mcp/board-redis).
 */
export function foldLine(board: Board, line: string): Board | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "not JSON, skipped (a write cut short by a crash leaves such a line; no board writes one otherwise)";
  }
  const parsed = JournalLineSchema.safeParse(value);
  if (!parsed.success) return "not an operation line ({op, at}), skipped";
  const applied = applyOp(board, parsed.data.op, parsed.data.at);
  // Only accepted operations are written, so a refusal here means the entry was not written by a
  // board with these options: it is left out, as it was refused, rather than stopping the board.
  if ("error" in applied) return `refused on reading (${applied.error.code}: ${applied.error.message}), skipped`;
  return applied.board;
}

/**
 * Appends `text` in one write and flushes it to disk before the lock is freed, so the next holder
 * and a restarted process both read it. Returns the bytes written.
 */
export async function append(path: string, text: string): Promise<number> {
  const handle = await open(path, "a");
  try {
    await handle.write(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return Buffer.byteLength(text);
}
