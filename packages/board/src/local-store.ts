import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { applyOp, type Applied } from "./board.js";
import { append, catchUp, type Fold } from "./journal.js";
import { serialized, withLock } from "./lock.js";
import { emptyBoard } from "./queries.js";
import { BoardOptionsSchema, type Board, type BoardOptions, type BoardOptionsInput } from "./schema.js";

// One board shared by the processes of one machine, in a folder: `board.jsonl`, the journal of
// accepted operations; `options.json`, the board's settings; `board.lock` while an operation runs.
// Every operation runs under the lock: catch up with the journal, apply the operation with the
// reducer, append it, free the lock. So operations are ordered one after another across
// processes (two claims of one task: the second sees the first), and a restart is a fold of the
// journal, nothing more.

/** One board as its users see it, wherever it is kept (a folder of this machine, or Redis for a fleet). */
export interface BoardStore {
  /** Applies `op` atomically across processes: the new board, or why it is refused (nothing written). */
  apply(op: unknown): Promise<Applied>;
  /** The board as the journal has it now (whole lines only; no lock taken). */
  read(): Promise<Board>;
  /** Journal lines left out of the board, each with why. */
  skipped(): readonly string[];
  /** Waits for this instance's operations under way; the board itself needs no closing. */
  close(): Promise<void>;
}

export interface LocalBoardSettings {
  /** The board's options, kept by the first process that opens the folder; later ones use those. */
  readonly options?: BoardOptionsInput;
  /** The operations' clock (epoch ms); tests inject one. */
  readonly now?: () => number;
  /** Age past which a lock is taken as a dead holder's and broken. */
  readonly stale_lock_ms?: number;
}

const STALE_LOCK_MS = 10_000;

export async function openLocalBoard(dir: string, settings: LocalBoardSettings = {}): Promise<BoardStore> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const journal = join(dir, "board.jsonl");
  const lock = join(dir, "board.lock");
  const now = settings.now ?? Date.now;
  const lockSettings = { now, staleMs: settings.stale_lock_ms ?? STALE_LOCK_MS };
  const empty = emptyBoard(await boardOptions(dir, settings.options ?? {}));
  let fold: Fold = { board: empty, offset: 0, skipped: [] };
  let closed = false;

  // One operation at a time within this process too: the fold is shared by this instance's calls.
  const serial = serialized();

  const applyLocked = async (op: unknown): Promise<Applied> => {
    let caught = await catchUp(journal, fold, empty);
    // Under the lock no one is writing, so bytes after the last newline are a line a crash cut
    // short. It gets its newline before anything else is appended, becoming a line of its own
    // that every reader folds alike (skipped, being cut), rather than the start of ours.
    if (caught.tail > 0) {
      await append(journal, "\n");
      caught = await catchUp(journal, caught.fold, empty);
    }
    fold = caught.fold;
    const at = now();
    // What the journal keeps is the operation as JSON; applying that same JSON here makes this
    // process's board the one every later fold of the journal makes.
    const wire = JSON.stringify({ op, at });
    const stored = (JSON.parse(wire) as { op: unknown }).op;
    const applied = applyOp(fold.board, stored, at);
    if ("error" in applied || applied.board === fold.board) return applied;
    const written = await append(journal, `${wire}\n`);
    fold = { ...fold, board: applied.board, offset: fold.offset + written };
    return applied;
  };

  return {
    apply: (op) => {
      if (closed) return Promise.reject(new Error("this board was closed"));
      return serial(() => withLock(lock, lockSettings, () => applyLocked(op)));
    },
    read: () =>
      serial(async () => {
        fold = (await catchUp(journal, fold, empty)).fold;
        return fold.board;
      }),
    skipped: () => fold.skipped,
    close: async () => {
      closed = true;
      // Its turn comes after every operation queued before it.
      await serial(() => Promise.resolve());
    },
  };
}

/**
 * The board's options: the folder's, or `wanted` kept as the folder's when it has none yet.
 * Every process must fold the journal with the same options (the same `max_tries` reopens or
 * fails the same task), so the first opener's are kept and a later opener's are not used.
 */
async function boardOptions(dir: string, wanted: BoardOptionsInput): Promise<BoardOptions> {
  const path = join(dir, "options.json");
  const mine = BoardOptionsSchema.parse(wanted);
  // Written aside and linked into place: link fails when the file exists, so of several first
  // openers exactly one sets the options, and no reader sees a half-written file.
  const aside = join(dir, `options.${randomUUID()}.tmp`);
  await writeFile(aside, JSON.stringify(mine), { mode: 0o600 });
  try {
    await link(aside, path);
    return mine;
  } catch (error) {
    if ((error as { code?: unknown }).code !== "EEXIST") throw error;
    return BoardOptionsSchema.parse(JSON.parse(await readFile(path, "utf8")));
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}
