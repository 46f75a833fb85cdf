import type { Redis } from "ioredis";
import { blockingConnection } from "./connect.js";

/** Idle blocking connections kept for the next wait: a few waits at once reuse theirs. */
const IDLE_MAX = 4;

/**
 * The blocking connections of one store: those in use, and a few idle ones kept for the next wait,
 * so that a wait does not open (and over TLS, handshake) a connection of its own each time.
 */
export class Blockers {
  readonly #all = new Set<Redis>();
  readonly #idle: { redis: Redis; id: number | undefined }[] = [];
  #closed = false;

  /** An idle one, or a new one with its client id (undefined when the server will not say: it is then never reused). */
  async take(main: Redis): Promise<{ redis: Redis; id: number | undefined }> {
    const idle = this.#idle.pop();
    if (idle !== undefined && idle.redis.status === "ready") return idle;
    if (idle !== undefined) this.drop(idle.redis);
    const redis = await blockingConnection(main);
    this.#all.add(redis);
    const id = await redis.client("ID").then(
      (x) => x,
      () => undefined,
    );
    return { redis, id };
  }

  /** Kept for the next wait while there is room, else closed. */
  give(blocker: { redis: Redis; id: number | undefined }): void {
    if (!this.#closed && blocker.id !== undefined && blocker.redis.status === "ready" && this.#idle.length < IDLE_MAX) this.#idle.push(blocker);
    else this.drop(blocker.redis);
  }

  drop(redis: Redis): void {
    this.#all.delete(redis);
    redis.disconnect();
  }

  close(): void {
    this.#closed = true;
    for (const redis of this.#all) redis.disconnect();
    this.#all.clear();
    this.#idle.length = 0;
  }
}

/** What {@link blockUntil} needs: the stream, where to read from, and how to check for a wanted message. */
export interface BlockOptions {
  main: Redis;
  /** The store's blocking connections, so that closing the mailboxes ends them. */
  blockers: Blockers;
  key: string;
  /** The stream's last entry id before the caller last looked. */
  after: string;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  has: () => Promise<boolean>;
  fail: (error: unknown) => Error;
}

/**
 * Waits on a blocking connection (kept for the next wait afterwards) with XREAD BLOCK for entries
 * after `after` (new messages and requeued ones alike); each arrival is checked with `has`. No
 * polling: Redis answers when an entry comes or at the deadline. An abort unblocks the read from the
 * main connection (CLIENT UNBLOCK), which ends it at once; where that is refused or the read was
 * not blocked yet, the blocking connection is closed instead, which ends it as well.
 */
export async function blockUntil(o: BlockOptions): Promise<boolean> {
  const deadline = Date.now() + o.timeoutMs;
  let blocker: { redis: Redis; id: number | undefined } | undefined;
  // Settles true once an abort's unblock ended the read; false where the connection had to be closed.
  let unblocked: Promise<boolean> | undefined;
  const onAbort = (): void => {
    const b = blocker;
    if (b === undefined) return;
    const asked = b.id === undefined ? Promise.resolve(0) : o.main.client("UNBLOCK", b.id).catch(() => 0);
    unblocked = asked.then((n) => {
      if (Number(n) === 1) return true;
      b.redis.disconnect();
      return false;
    });
  };
  o.signal?.addEventListener("abort", onAbort, { once: true });
  let failed = false;
  try {
    blocker = await o.blockers.take(o.main);
    let after = o.after;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || o.signal?.aborted === true) return false;
      const got = (await blocker.redis.call("XREAD", "BLOCK", Math.max(1, Math.ceil(left)), "STREAMS", o.key, after)) as
        [string, [string, string[]][]][] | null;
      // The deadline, or an abort's unblock: the loop's check says which.
      if (got === null) continue;
      after = got[0]?.[1].at(-1)?.[0] ?? after;
      if (await o.has()) return true;
    }
  } catch (error) {
    failed = true;
    if (o.signal?.aborted === true) return false;
    throw o.fail(error);
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    const b = blocker;
    if (b !== undefined) {
      if (failed) o.blockers.drop(b.redis);
      else if (unblocked === undefined) o.blockers.give(b);
      else
        void unblocked.then((ok) => {
          if (ok) o.blockers.give(b);
          else o.blockers.drop(b.redis);
        });
    }
  }
}
