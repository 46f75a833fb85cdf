import { randomUUID } from "node:crypto";
import { link, open, readFile, rename, stat, unlink } from "node:fs/promises";

// An exclusive lock between processes of one machine: a file created with O_EXCL ("wx"), which
// exactly one creator gets however many race for it. The kernel does not free it when its holder
// dies, so a lock older than `staleMs` is taken to be a dead holder's and broken: an operation
// holds the lock for milliseconds (read the appended lines, append one), so ten seconds means
// its holder crashed or was killed mid-operation, and waiting longer would only stall the team.

export interface LockSettings {
  /** The clock the lock's age is read against (injected by tests to age a lock without waiting). */
  readonly now: () => number;
  readonly staleMs: number;
}

/** Runs `work` while holding the lock file `path`, and frees it after, whatever `work` does. */
export async function withLock<T>(path: string, settings: LockSettings, work: () => Promise<T>): Promise<T> {
  const token = `${process.pid} ${randomUUID()}`;
  await acquire(path, token, settings);
  try {
    return await work();
  } finally {
    await free(path, token);
  }
}

async function acquire(path: string, token: string, settings: LockSettings): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, "wx");
      try {
        await handle.writeFile(token);
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if (!isCode(error, "EEXIST")) throw error;
    }
    if (await breakIfStale(path, settings)) continue;
    // Polling with a growing, jittered pause: a holder is done within milliseconds, and jitter
    // keeps the waiters from all knocking at the same instant.
    const pause = Math.min(50, 1 + attempt) * (0.5 + Math.random());
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** Breaks the lock when it is older than `staleMs`; true when the caller should try again at once. */
async function breakIfStale(path: string, settings: LockSettings): Promise<boolean> {
  let mtime: number;
  try {
    mtime = (await stat(path)).mtimeMs;
  } catch (error) {
    if (isCode(error, "ENOENT")) return true; // freed in between
    throw error;
  }
  if (settings.now() - mtime <= settings.staleMs) return false;
  // Renamed away rather than deleted: of several waiters that saw the same stale lock, one rename
  // succeeds and the rest find it gone. A slow waiter may still rename a lock a faster one took
  // after breaking it; that lock is young, so it is put back where it was (link fails, keeping
  // the newer one, if yet another waiter took the path meanwhile).
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (isCode(error, "ENOENT")) return true;
    throw error;
  }
  const movedMtime = await stat(aside).then(
    (s) => s.mtimeMs,
    () => mtime,
  );
  if (settings.now() - movedMtime <= settings.staleMs) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
  return true;
}

/** Frees the lock if it is still ours: a lock broken as stale may be another holder's by now. */
async function free(path: string, token: string): Promise<void> {
  const held = await readFile(path, "utf8").catch(() => undefined);
  if (held === token) await unlink(path).catch(() => undefined);
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

/**
 * Runs the calls given to it one at a time, in order, whatever each one's outcome: a store's
 * operations share its fold (the board as read so far), so two must not interleave in one process.
 */
export function serialized(): <T>(work: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
}
