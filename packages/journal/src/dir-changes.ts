// What changed in an agents directory since a reader last looked, so that a listing of 10,000 past
// agents reads (or stats) only those: a directory watch names the agent directories added, removed or
// touched (every journal write touches its agent's directory: see touchAgent), this process's own
// writes are told at once, and the directory's mtime catches additions and removals the watch has
// not reported yet. When the watch cannot be had or fails, every agent counts as changed (a stat pass).
import { statSync, utimes, utimesSync, watch, type FSWatcher } from "node:fs";

/** Readers of each directory in this process: told of this process's writes before any watch is. */
const readers = new Map<string, Set<DirChanges>>();

/** Says that `agentId`'s journal under `dir` changed: to this process's readers now, to other processes' through their watch. */
export function touchAgent(dir: string, agentId: string, sync = false): void {
  for (const r of readers.get(dir) ?? []) r.changed(agentId);
  const now = new Date();
  // A changed time on the agent's directory is an event for a watch of its parent (what other processes see).
  if (sync) {
    try {
      utimesSync(`${dir}/${agentId}`, now, now);
    } catch {
      // Gone meanwhile: its removal is the event.
    }
  } else utimes(`${dir}/${agentId}`, now, now, () => undefined);
}

/** What changed since the last {@link DirChanges.take}: every agent, or these ids (possibly none) and maybe entries not yet named (list again). */
export type Changes = { all: true } | { all: false; ids: Set<string>; relist: boolean };

/** One reader's view of one directory's changes (its own watch: readers take at their own pace). */
export class DirChanges {
  readonly #dir: string;
  #watcher: FSWatcher | undefined;
  #all = true;
  #ids = new Set<string>();
  #mtime: number | undefined;
  #ino: number | undefined;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** `id` changed (or is new, or gone). */
  changed(id: string): void {
    this.#ids.add(id);
  }

  /** What changed since the last take (the first take: everything), and starts counting afresh. */
  take(): Changes {
    const st = statSync(this.#dir, { throwIfNoEntry: false });
    // The directory made again (or gone): the watch was of the one before.
    if (st?.ino !== this.#ino) {
      this.#unwatch();
      this.#ino = st?.ino;
      this.#all = true;
    }
    if (st !== undefined) this.#arm();
    // Entries added or removed that the watch may not have reported yet: the names are listed again.
    const relist = st?.mtimeMs !== this.#mtime;
    this.#mtime = st?.mtimeMs;
    const out: Changes = this.#all || st === undefined ? { all: true } : { all: false, ids: this.#ids, relist };
    this.#all = this.#watcher === undefined;
    this.#ids = new Set();
    return out;
  }

  /** Stops watching (a reader no longer used). */
  close(): void {
    this.#unwatch();
  }

  #unwatch(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    readers.get(this.#dir)?.delete(this);
  }

  #arm(): void {
    if (this.#watcher !== undefined) return;
    try {
      // Not persistent: a watch never keeps the process alive.
      this.#watcher = watch(this.#dir, { persistent: false }, (_event, name) => {
        if (name === null) this.#all = true;
        else this.#ids.add(name);
      });
      this.#watcher.on("error", () => {
        this.#unwatch();
        this.#all = true;
      });
      let set = readers.get(this.#dir);
      if (set === undefined) readers.set(this.#dir, (set = new Set()));
      set.add(this);
    } catch {
      // No directory yet, or no watch to be had (the limit of watches reached): a stat pass each time.
      this.#watcher = undefined;
      this.#all = true;
    }
  }
}
