import type { Redis } from "ioredis";
import { blockingConnection } from "./connect.js";

/** What {@link blockUntil} needs: the stream, where to read from, and how to check for a wanted message. */
export interface BlockOptions {
  main: Redis;
  /** Blocking connections in use, so that closing the mailboxes ends them. */
  blockers: Set<Redis>;
  key: string;
  /** The stream's last entry id before the caller last looked. */
  after: string;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  has: () => Promise<boolean>;
  fail: (error: unknown) => Error;
}

/**
 * Waits on a connection of its own with XREAD BLOCK for entries after `after` (new messages and
 * requeued ones alike); each arrival is checked with `has`. No polling: Redis answers when an entry
 * comes or at the deadline. An abort disconnects the blocking connection, which ends the read at once.
 */
export async function blockUntil(o: BlockOptions): Promise<boolean> {
  const deadline = Date.now() + o.timeoutMs;
  let blocker: Redis | undefined;
  const onAbort = (): void => blocker?.disconnect();
  o.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    blocker = await blockingConnection(o.main);
    o.blockers.add(blocker);
    let after = o.after;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || o.signal?.aborted === true) return false;
      const got = (await blocker.call("XREAD", "BLOCK", Math.max(1, Math.ceil(left)), "STREAMS", o.key, after)) as [string, [string, string[]][]][] | null;
      if (got === null) return false;
      after = got[0]?.[1].at(-1)?.[0] ?? after;
      if (await o.has()) return true;
    }
  } catch (error) {
    if (o.signal?.aborted === true) return false;
    throw o.fail(error);
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    if (blocker !== undefined) {
      o.blockers.delete(blocker);
      blocker.disconnect();
    }
  }
}
