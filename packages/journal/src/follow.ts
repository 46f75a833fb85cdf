// Tails an agent's journal as it grows, across rotations, for live transcripts.
import { closeSync, fstatSync, openSync, readSync, statSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { JOURNAL_FILE } from "./owner.js";
import { agentDir, journalFiles, parseLine, parseLines } from "./read.js";
import type { JournalEntry } from "./schema.js";
import { linesFromStart } from "./window.js";

// File systems without change events (some network mounts) are still followed, only more slowly.
const FALLBACK_POLL_MS = 1_000;

/**
 * Calls `onEntry` for each entry present, then for each appended later, until `signal` aborts; resolves
 * then. Throws NOT_FOUND when the agent has no directory; rejects with what `onEntry` throws.
 */
export function followJournal(dir: string, agentId: string, onEntry: (e: JournalEntry) => void, signal: AbortSignal): Promise<void> {
  let path: string;
  try {
    path = agentDir(dir, agentId);
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error("cannot follow the journal"));
  }
  const current = join(path, JOURNAL_FILE);
  return new Promise<void>((resolve, reject) => {
    const tail = tailOf(current, onEntry);
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;

    const stop = (err?: unknown): void => {
      if (stopped) return;
      stopped = true;
      watcher?.close();
      clearInterval(timer);
      signal.removeEventListener("abort", onAbort);
      tail.close();
      if (err === undefined) resolve();
      else reject(err instanceof Error ? err : new Error("the journal could not be followed"));
    };
    const onAbort = (): void => {
      stop();
    };
    const poll = (): void => {
      if (stopped) return;
      try {
        tail.poll();
      } catch (err) {
        stop(err);
      }
    };

    try {
      watcher = watch(path, () => {
        poll();
      });
      watcher.on("error", () => undefined);
      timer = setInterval(poll, FALLBACK_POLL_MS);
      timer.unref();
      tail.open();
      replayRotated(path, tail.held(), onEntry);
      poll();
    } catch (err) {
      stop(err);
      return;
    }
    if (signal.aborted) stop();
    else signal.addEventListener("abort", onAbort);
  });
}

/** The current journal file as a follower holds it open, and what of it was read. */
interface Tail {
  /** Opens the current journal file, when there is one. */
  open(): void;
  /** The inode of the file held open, if any. */
  held(): number | undefined;
  /** Passes on what the file gained since the last look; moves to a new journal file after a rotation. */
  poll(): void;
  close(): void;
}

function tailOf(current: string, onEntry: (e: JournalEntry) => void): Tail {
  let fd: number | undefined;
  let offset = 0;
  let rest = "";
  // A read can end inside a multi-byte character: the decoder keeps its first bytes for the next.
  let decoder = new StringDecoder("utf8");

  const emit = (text: string): void => {
    const parsed = parseLines(rest + text);
    rest = parsed.rest;
    for (const e of parsed.entries) onEntry(e);
  };

  // Reads what the open file gained since the last look.
  const drain = (): void => {
    if (fd === undefined) return;
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, offset);
      if (n === 0) return;
      offset += n;
      emit(decoder.write(buf.subarray(0, n)));
    }
  };

  return {
    open: () => {
      if (inode(current) !== undefined) fd = openSync(current, "r");
    },
    held: () => (fd === undefined ? undefined : fstatSync(fd).ino),
    // An open descriptor keeps the renamed file readable: finish it, then move to the new journal.jsonl.
    poll: () => {
      drain();
      const ino = inode(current);
      if (ino === undefined || (fd !== undefined && ino === fstatSync(fd).ino)) return;
      if (fd !== undefined) closeSync(fd);
      fd = openSync(current, "r");
      offset = 0;
      rest = "";
      decoder = new StringDecoder("utf8");
      drain();
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
    },
  };
}

// Rotated files first; the one the descriptor holds (if a rotation just happened) is read through it.
// Each is streamed a chunk at a time, never held whole; its cut last line is passed over.
function replayRotated(path: string, held: number | undefined, onEntry: (e: JournalEntry) => void): void {
  const rotated = journalFiles(path)
    .slice(0, -1)
    .filter((file) => inode(file) !== undefined && inode(file) !== held);
  for (const line of linesFromStart(rotated, { bytes: 0, skipped: 0, truncated: false })) {
    const e = parseLine(line);
    if (e !== undefined) onEntry(e);
  }
}

// Only a regular file counts: a device or a pipe in its place would be read forever.
function inode(file: string): number | undefined {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.ino : undefined;
  } catch {
    return undefined;
  }
}
