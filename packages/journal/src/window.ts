// Reads parts of a journal without loading it whole: the first line of a file, lines from the end
// backwards, and lines from the start forwards, each a chunk at a time.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

const CHUNK = 64 * 1024;

/** A line longer than this is skipped (counted), never held in memory. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

// Opens a regular file for reading; undefined when it is missing or not a regular file (a pipe would
// be read forever), the latter counted in `stats` as a skipped line when given.
function openRegular(file: string, stats?: WindowStats): { fd: number; size: number } | undefined {
  let fd: number;
  try {
    // Non-blocking: opening a FIFO in a journal's place must not wait for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  const stat = fstatSync(fd);
  if (stat.isFile()) return { fd, size: stat.size };
  closeSync(fd);
  if (stats !== undefined) stats.skipped += 1;
  return undefined;
}

/** The first line of `file` (without its newline), reading at most `maxBytes`; undefined when there is none within them. */
export function headLine(file: string, maxBytes = 1024 * 1024): string | undefined {
  const opened = openRegular(file);
  if (opened === undefined) return undefined;
  const parts: Buffer[] = [];
  try {
    for (let at = 0; at < Math.min(opened.size, maxBytes);) {
      const buf = Buffer.alloc(Math.min(CHUNK, maxBytes - at));
      const n = readSync(opened.fd, buf, 0, buf.length, at);
      if (n === 0) break;
      const end = buf.subarray(0, n).indexOf(0x0a);
      if (end >= 0) return Buffer.concat([...parts, buf.subarray(0, end)]).toString("utf8");
      parts.push(buf.subarray(0, n));
      at += n;
    }
  } finally {
    closeSync(opened.fd);
  }
  return undefined;
}

/** What a windowed read saw besides its lines. */
export interface WindowStats {
  /** Bytes read from disk. */
  bytes: number;
  /** Lines skipped for being longer than {@link MAX_LINE_BYTES}, or cut at the window's edge. */
  skipped: number;
  /** The window ended before the journal's start (lines older than it were not read). */
  truncated: boolean;
}

/**
 * Whole lines of `files` (oldest file first), newest first, reading backwards at most `maxBytes`
 * in all. A file's last line without its newline (being written, or cut by a crash) is not yielded.
 */
export function* linesFromEnd(files: string[], maxBytes: number, stats: WindowStats): Generator<string> {
  for (const file of [...files].reverse()) {
    const opened = openRegular(file, stats);
    if (opened === undefined) continue;
    try {
      let pos = opened.size;
      // Bytes after the last newline seen, newest part last; the file's unfinished last line is dropped.
      let carry: Buffer[] = [];
      let carried = 0;
      let first = true;
      while (pos > 0) {
        if (stats.bytes >= maxBytes) {
          stats.truncated = true;
          if (carried > 0) stats.skipped += 1;
          return;
        }
        const size = Math.min(CHUNK, pos, maxBytes - stats.bytes);
        pos -= size;
        const buf = Buffer.alloc(size);
        readSync(opened.fd, buf, 0, size, pos);
        stats.bytes += size;
        let end = size;
        for (let i = buf.lastIndexOf(0x0a, size - 1); i >= 0; i = i > 0 ? buf.lastIndexOf(0x0a, i - 1) : -1) {
          const piece = buf.subarray(i + 1, end);
          end = i;
          if (first) {
            // What follows the file's last newline is not a whole line.
            first = false;
            if (piece.length + carried > 0) stats.skipped += 1;
            carry = [];
            carried = 0;
            continue;
          }
          if (carried + piece.length > MAX_LINE_BYTES) stats.skipped += 1;
          else {
            const line = carried === 0 ? piece.toString("utf8") : Buffer.concat([piece, ...carry]).toString("utf8");
            if (line.trim() !== "") yield line;
          }
          carry = [];
          carried = 0;
        }
        if (first && pos === 0 && end > 0) {
          // A file without any newline: its only line is unfinished.
          stats.skipped += 1;
          break;
        }
        if (carried + end > MAX_LINE_BYTES) {
          carried = MAX_LINE_BYTES + 1;
          carry = [];
        } else {
          carry.unshift(Buffer.from(buf.subarray(0, end)));
          carried += end;
        }
      }
      // The file's first line.
      if (!first && carried > 0) {
        if (carried > MAX_LINE_BYTES) stats.skipped += 1;
        else {
          const line = Buffer.concat(carry).toString("utf8");
          if (line.trim() !== "") yield line;
        }
      }
    } finally {
      closeSync(opened.fd);
    }
  }
}

/**
 * Whole lines of `files` (oldest file first), oldest first, a chunk at a time; the caller stops
 * when it has what it needs. A file's last line without its newline is counted as skipped.
 */
export function* linesFromStart(files: string[], stats: WindowStats): Generator<string> {
  for (const file of files) {
    const opened = openRegular(file, stats);
    if (opened === undefined) continue;
    try {
      let carry: Buffer[] = [];
      let carried = 0;
      for (let pos = 0; pos < opened.size;) {
        const buf = Buffer.alloc(Math.min(CHUNK, opened.size - pos));
        const n = readSync(opened.fd, buf, 0, buf.length, pos);
        if (n === 0) break;
        pos += n;
        stats.bytes += n;
        let start = 0;
        for (let i = buf.indexOf(0x0a); i >= 0 && i < n; i = buf.indexOf(0x0a, i + 1)) {
          const piece = buf.subarray(start, i);
          start = i + 1;
          if (carried + piece.length > MAX_LINE_BYTES) stats.skipped += 1;
          else {
            const line = carried === 0 ? piece.toString("utf8") : Buffer.concat([...carry, piece]).toString("utf8");
            if (line.trim() !== "") yield line;
          }
          carry = [];
          carried = 0;
        }
        const rest = buf.subarray(start, n);
        if (carried + rest.length > MAX_LINE_BYTES) {
          carried = MAX_LINE_BYTES + 1;
          carry = [];
        } else if (rest.length > 0) {
          carry.push(Buffer.from(rest));
          carried += rest.length;
        }
      }
      if (carried > 0 && Buffer.concat(carry).toString("utf8").trim() !== "") stats.skipped += 1;
    } finally {
      closeSync(opened.fd);
    }
  }
}
