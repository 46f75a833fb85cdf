import { statSync, type Stats } from "node:fs";

/**
 * A file's stamp (inode, size, change and modification times), for answering a file read before
 * from what was made of it while the stamp is the same; null when the file does not exist,
 * undefined when stat fails otherwise (a read then says why). `size` is the file's, in bytes.
 */
export function fileStamp(path: string): { stamp: string; size: number } | null | undefined {
  const stats = statOf(path);
  return stats === null || stats === undefined
    ? stats
    : { stamp: `${String(stats.dev)}:${String(stats.ino)}:${String(stats.size)}:${String(stats.mtimeMs)}:${String(stats.ctimeMs)}`, size: stats.size };
}

// The file's stats; null when it does not exist; undefined when stat fails otherwise (the read says why).
export function statOf(path: string): Stats | null | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOTDIR" ? null : undefined;
  }
}

/**
 * What was made of files read before (parsed, checked), answered again while each file keeps its
 * stamp; a changed, replaced or removed file is read again. Kept: files up to `keepBytes`, the
 * newest first within `keptBytes` in all. Callers only read what they are given.
 */
export class KeptFiles<T> {
  readonly #kept = new Map<string, { stamp: string; size: number; value: T }>();

  constructor(
    private readonly keepBytes: number,
    private readonly keptBytes: number,
  ) {}

  /** What was kept under `key` from the file as it was at `stamp`; undefined when nothing was, or the file changed since. */
  get(key: string, stamp: string | undefined): { value: T } | undefined {
    const known = this.#kept.get(key);
    if (known !== undefined && known.stamp === stamp) return known;
    this.#kept.delete(key);
    return undefined;
  }

  /** Keeps `value` under `key`, made of the file as it was at `stamp` (nothing when that is unknown or the file too large). */
  set(key: string, stamp: { stamp: string; size: number } | undefined, value: T): void {
    if (stamp === undefined || stamp.size > this.keepBytes) return;
    this.#kept.delete(key);
    this.#kept.set(key, { ...stamp, value });
    let total = 0;
    for (const { size } of this.#kept.values()) total += size;
    // The oldest go first (a Map iterates in insertion order).
    for (const [oldest, { size }] of this.#kept) {
      if (total <= this.keptBytes) break;
      this.#kept.delete(oldest);
      total -= size;
    }
  }
}
