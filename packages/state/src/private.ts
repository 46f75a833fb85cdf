import { chmodSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { writeAtomic } from "./safe-write.js";

// Our own files (records, mode files, journals, setup's record and backups) live in folders that only
// their owner may enter.

/**
 * Makes `dir` a folder only its owner can enter: created 0700, and narrowed to 0700 when an
 * earlier version (or another of our writers) created it with the umask's wider mode.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const stats = statSync(dir);
  // A shared sticky folder (/tmp, /var/tmp) is everyone's: never ours to narrow, even as root.
  if ((stats.mode & 0o1000) !== 0) return;
  if ((stats.mode & 0o077) !== 0 && stats.uid === process.getuid?.()) chmodSync(dir, stats.mode & 0o700);
}

/** Writes one of our own files (records, mode files): atomically, 0600, in a private folder. */
export function writePrivate(path: string, text: string): void {
  ensurePrivateDir(dirname(path));
  writeAtomic(path, text, { mode: 0o600 });
}
