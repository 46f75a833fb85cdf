// What every server and worker of the user spent, turn by turn, in one append-only file of the
// state folder (stateLayout's `spend`): each process appends a line per finished turn in one
// write (O_APPEND, so lines of concurrent writers never interleave), and reads only what was
// appended since its last look, so that checking the caps at launch costs a stat or two. Past
// `rotateBytes` the file is renamed to `<path>.1` (the one before it dropped) and a new one begun:
// a reader follows each file by its inode, so a rotation re-reads nothing.
import { closeSync, fstatSync, openSync, readSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { ensurePrivateDir, keepPrivate } from "@subagent-mcp/state";
import { z } from "zod";
import { SpendTally } from "./spend-tally.js";

/** One finished turn as the ledger keeps it. */
export const SpendEntrySchema = z.object({
  at: z.string(),
  provider: z.string().min(1),
  model: z.string().optional(),
  /** Unknown (no price, no reported cost): counts as a turn, not in dollars. */
  cost_usd: z.number().nonnegative().optional(),
  agent: z.string().optional(),
});
export type SpendEntry = z.infer<typeof SpendEntrySchema>;

/** A parsed entry with its time as epoch ms. */
export interface LedgerEntry extends SpendEntry {
  ms: number;
}

/** Entries older than this are dropped from memory: no cap looks further back than a week. */
const KEEP_MS = 8 * 24 * 3600_000;
/** Bytes read at a time. */
const CHUNK = 1 << 16;
/** Default size past which the file is rotated: tens of thousands of turns, more than a week's. */
const ROTATE_BYTES = 4 << 20;

/** What has been read of one file (by inode). */
interface FileRead {
  ino: number;
  offset: number;
  tail: string;
  // A character cut by a read's end is completed by the next read.
  decoder: StringDecoder;
  // Kept only once entries() was asked for: checking the caps needs only the tally.
  entries: LedgerEntry[] | undefined;
  tally: SpendTally;
}

/** The spend ledger of one state folder, appended to and read incrementally. */
export class SpendLedger {
  #files: FileRead[] = [];
  #keepEntries = false;
  readonly #rotateBytes: number;

  constructor(
    readonly path: string,
    options: { rotateBytes?: number } = {},
  ) {
    this.#rotateBytes = options.rotateBytes ?? ROTATE_BYTES;
  }

  /** Appends one turn, in one write; a failed write is said on stderr and only costs the cap's accuracy. */
  append(entry: SpendEntry): void {
    try {
      ensurePrivateDir(dirname(this.path));
      const fd = openSync(this.path, "a", 0o600);
      try {
        keepPrivate(this.path, fstatSync(fd));
        writeSync(fd, `${JSON.stringify(entry)}\n`);
        const own = fstatSync(fd);
        // Rotated only while the path still names the file written (another writer may have rotated it just now).
        if (own.size > this.#rotateBytes && statSync(this.path, { throwIfNoEntry: false })?.ino === own.ino) renameSync(this.path, `${this.path}.1`);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      process.stderr.write(`subagent-mcp: could not record spending in ${this.path}: ${String(error)}\n`);
    }
  }

  /**
   * The turns of the last eight days (of both files), with what was appended since the last call read in.
   * A ledger (or its folder) another user can write is refused (StateError NOT_PRIVATE): its turns could be forged.
   */
  entries(now: number = Date.now()): LedgerEntry[] {
    if (!this.#keepEntries) {
      // Read again from the start, keeping each entry this time.
      this.#keepEntries = true;
      this.#files = [];
    }
    const oldest = now - KEEP_MS;
    for (const read of this.#readIn()) if ((read.entries?.[0]?.ms ?? Infinity) < oldest) read.entries = read.entries?.filter((e) => e.ms >= oldest);
    return this.#files.flatMap((f) => f.entries ?? []);
  }

  /**
   * What the turns of the last eight days add up to per day (one tally a file), with what was appended
   * since the last call read in: a stat or two and the new lines. Refused as entries() is.
   */
  tallies(now: number = Date.now()): SpendTally[] {
    return this.#readIn().map((f) => f.tally.prune(now));
  }

  // Follows both files by inode and reads what was appended to each since the last look.
  #readIn(): FileRead[] {
    keepPrivate(dirname(this.path));
    const files = [`${this.path}.1`, this.path].flatMap((p) => {
      const s = statSync(p, { throwIfNoEntry: false });
      keepPrivate(p, s);
      return s === undefined ? [] : [{ p, ino: s.ino, size: s.size }];
    });
    this.#files = files.map(({ p, ino, size }) => {
      let read = this.#files.find((f) => f.ino === ino);
      if (read === undefined || size < read.offset)
        read = { ino, offset: 0, tail: "", decoder: new StringDecoder("utf8"), entries: this.#keepEntries ? [] : undefined, tally: new SpendTally() };
      if (size > read.offset) readFrom(p, read);
      return read;
    });
    return this.#files;
  }
}

// Reads what was appended to `path` past `read.offset`; whole lines are parsed, a line still being written waits for the next read.
function readFrom(path: string, read: FileRead): void {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return; // rotated or removed meanwhile: read on the next look
  }
  try {
    if (fstatSync(fd).ino !== read.ino) return;
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(CHUNK);
    while (read.offset < size) {
      const n = readSync(fd, buffer, 0, Math.min(CHUNK, size - read.offset), read.offset);
      if (n <= 0) break;
      read.offset += n;
      const lines = (read.tail + read.decoder.write(buffer.subarray(0, n))).split("\n");
      read.tail = lines.pop() ?? "";
      for (const line of lines) take(line, read);
    }
  } finally {
    closeSync(fd);
  }
}

function take(line: string, read: FileRead): void {
  if (line === "") return;
  let parsed;
  try {
    parsed = SpendEntrySchema.safeParse(JSON.parse(line));
  } catch {
    return;
  }
  const ms = parsed.success ? Date.parse(parsed.data.at) : NaN;
  if (!parsed.success || !Number.isFinite(ms)) return;
  const entry = { ...parsed.data, ms };
  read.entries?.push(entry);
  read.tally.add(entry);
}
