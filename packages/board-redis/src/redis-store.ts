import type { Redis } from "ioredis";
import { applyOp, BoardError, emptyBoard, serialized, type Applied, type Board, type BoardOptionsInput, type BoardStore } from "@subagent-mcp/board";
import { foldLines, type Fold } from "./fold.js";
import { APPEND_AFTER, READ_FROM } from "./scripts.js";

// One board shared by the members of a team on several machines, in Redis:
//   subagent-mcp:board:<name>:journal  a list, one JSON line `{op, at}` per accepted operation
//   subagent-mcp:board:<name>:options  the board's options, set once (SET NX) by the first opener
// The board is the fold of the journal through the reducer, as in the local store; a restart,
// or another machine, folds the same list to the same board.
//
// Atomicity: an operation is applied to the board folded from the journal's first N entries and
// pushed by a Lua script that checks the journal still holds N entries (APPEND_AFTER); when
// another client pushed first, this one catches up and applies its operation again. Of several
// claims of one task, the first pushed wins and every other is applied after it and refused.
// A script rather than WATCH/MULTI/EXEC: a WATCH belongs to the connection, and the connection is
// the caller's, shared with whatever else it runs (ioredis sends every caller's commands down
// one socket), so another caller's EXEC or UNWATCH in between would silently drop our WATCH. The
// script's check is the server's own, whatever else the connection carries, in one round trip.
// No one holds a lock, so a client that dies mid-operation leaves nothing to break; and each
// retry means another operation went in, so the board as a whole always moves on.

export interface RedisBoardSettings {
  /** The board's options, kept by the first client that opens the board; later ones use those. */
  readonly options?: BoardOptionsInput;
  /** The operations' clock (epoch ms); tests inject one. */
  readonly now?: () => number;
}

type BoardOptions = Board["options"];

// Names without ':' keep every board's keys apart from every other's by construction.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Opens board `name` on `redis`, a connection the caller owns (and closes: `close` leaves it open).
 * The options are the board's if it has some, else `settings.options`, kept as its own.
 */
export async function openRedisBoard(redis: Redis, name: string, settings: RedisBoardSettings = {}): Promise<BoardStore> {
  if (!NAME.test(name))
    throw new BoardError("BAD_INPUT", `a board's name is 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit; got ${JSON.stringify(name)}`);
  const base = `subagent-mcp:board:${name}`;
  const journal = `${base}:journal`;
  const now = settings.now ?? Date.now;
  const empty = emptyBoard(await boardOptions(redis, `${base}:options`, settings.options ?? {}));
  let fold: Fold = { board: empty, length: 0, skipped: [] };
  let closed = false;

  // One operation at a time within this instance: the fold is shared by its calls.
  const serial = serialized();

  const catchUp = async (): Promise<void> => {
    const [from, lines] = (await redis.eval(READ_FROM, 1, journal, fold.length)) as [number, string[]];
    fold = foldLines(from === fold.length ? fold : { board: empty, length: from, skipped: [] }, lines);
  };

  const applyNow = async (op: unknown): Promise<Applied> => {
    for (;;) {
      await catchUp();
      const at = now();
      // What the journal keeps is the operation as JSON; applying that same JSON here makes this
      // client's board the one every later fold of the journal makes.
      const wire = JSON.stringify({ op, at });
      const stored = (JSON.parse(wire) as { op: unknown }).op;
      const applied = applyOp(fold.board, stored, at);
      if ("error" in applied || applied.board === fold.board) return applied;
      const length = Number(await redis.eval(APPEND_AFTER, 1, journal, fold.length, wire));
      if (length < 0) continue;
      fold = { ...fold, board: applied.board, length };
      return applied;
    }
  };

  return {
    apply: (op) => {
      if (closed) return Promise.reject(new Error("this board was closed"));
      return serial(() => applyNow(op));
    },
    read: () =>
      serial(async () => {
        await catchUp();
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
 * The board's options: the ones kept at `key`, or `wanted` kept there when there are none yet.
 * Every client must fold the journal with the same options (the same `max_tries` reopens or fails
 * the same task), so the first opener's are kept (SET NX: of several first openers exactly one
 * sets them) and a later opener's are not used.
 */
async function boardOptions(redis: Redis, key: string, wanted: BoardOptionsInput): Promise<BoardOptions> {
  const mine = emptyBoard(wanted).options;
  for (;;) {
    if ((await redis.set(key, JSON.stringify(mine), "NX")) === "OK") return mine;
    const kept = await redis.get(key);
    // Gone between the two calls (someone removed the board): try to set them again.
    if (kept === null) continue;
    try {
      return emptyBoard(JSON.parse(kept) as BoardOptionsInput).options;
    } catch (error) {
      throw new BoardError("BAD_INPUT", `the board's options kept at ${key} are not a board's options (${String(error)}): remove the key to set them again`);
    }
  }
}

/** Whether board `name` was made (its options are kept): reading one that was not must not make it. */
export async function redisBoardExists(redis: Redis, name: string): Promise<boolean> {
  return NAME.test(name) && (await redis.exists(`subagent-mcp:board:${name}:options`)) === 1;
}
