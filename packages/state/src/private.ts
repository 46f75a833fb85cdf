import { chmodSync, mkdirSync, statSync, type Stats } from "node:fs";
import { dirname } from "node:path";
import { StateError } from "./errors.js";
import { writeAtomic } from "./safe-write.js";

// Our own files (records, mode files, journals, setup's record and backups) live in folders that only
// their owner may enter.

/**
 * Keeps an existing file or folder of our state private: one of ours that others may enter or write
 * is narrowed to its owner's bits; one another user can write (theirs, or wide and not ours to
 * narrow) is refused, for what it holds may have been planted. Absent is fine. `stats` saves the
 * caller's stat.
 */
export function keepPrivate(path: string, stats: Stats | undefined = statSync(path, { throwIfNoEntry: false })): void {
  if (stats === undefined) return;
  // A shared sticky folder (/tmp, /var/tmp) is everyone's: never ours to narrow, even as root.
  if (stats.isDirectory() && (stats.mode & 0o1000) !== 0) return;
  const uid = process.getuid?.();
  if (uid === undefined) return;
  const ours = stats.uid === uid;
  if (ours) {
    if ((stats.mode & 0o077) !== 0) chmodSync(path, stats.mode & 0o700);
    return;
  }
  // Another user's file or folder is theirs to write, so not ours to trust; but root may keep a user's
  // private folder (sudo setup writes their files), and anyone root's.
  const othersWrite = (stats.mode & 0o022) !== 0 || !stats.isDirectory() || (uid !== 0 && stats.uid !== 0);
  if (!othersWrite) return;
  const mode = (stats.mode & 0o777).toString(8).padStart(4, "0");
  throw new StateError(
    "NOT_PRIVATE",
    `${path} can be written by another user (mode ${mode}, owner uid ${String(stats.uid)}); refusing to use it. Make it yours and private (chown; chmod ${stats.isDirectory() ? "700" : "600"}), or remove it`,
  );
}

/**
 * Makes `dir` a folder only its owner can enter: created 0700, and narrowed to 0700 when an
 * earlier version (or another of our writers) created it with the umask's wider mode. One another
 * user can write is refused ({@link keepPrivate}).
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  keepPrivate(dir, statSync(dir));
}

/** Writes one of our own files (records, mode files): atomically, 0600, in a private folder. */
export function writePrivate(path: string, text: string): void {
  ensurePrivateDir(dirname(path));
  writeAtomic(path, text, { mode: 0o600 });
}
