// What every server and worker of the user spent, turn by turn, in one append-only file of the
// state folder (stateLayout's `spend`): each process appends a line per finished turn in one
// write (O_APPEND, so lines of concurrent writers never interleave), and reads only what was
// appended since its last look, so that checking the caps at launch costs a stat or two.
// A turn under a cap is reserved in the same file before it starts (see reserveTurn): the kernel's
// one order of the appends is what makes a reservation taken by N racing processes exact. Past
// `rotateBytes` the file is renamed to `<path>.1` (the one before it dropped) and a new one begun:
// a reader follows each file by its inode, so a rotation re-reads nothing.
import { randomUUID } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync, renameSync, statSync, writeSync } from "node:fs";
import { basename, dirname } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { ensurePrivateDir, keepPrivate } from "@subagent-mcp/state";
import { parseLedgerLine, type LedgerEntry, type LedgerProblem, type Reservation, type SpendEntry } from "./ledger-lines.js";
import { LiveReservations } from "./reservations.js";
import { SpendTally } from "./spend-tally.js";

export { SpendEntrySchema, type LedgerEntry, type SpendEntry } from "./ledger-lines.js";

/** Entries older than this are dropped from memory: no cap looks further back than a week. */
const KEEP_MS = 8 * 24 * 3600_000;
/** Bytes read at a time. */
const CHUNK = 1 << 16;
/** Default size past which the file is rotated: tens of thousands of turns, more than a week's. */
const ROTATE_BYTES = 4 << 20;
/** Problems kept to be shown, per file (all are counted). */
const SHOWN_PROBLEMS = 10;

/** What has been read of one file (by inode). */
interface FileRead {
  path: string;
  ino: number;
  offset: number;
  /** Lines read so far (for a problem's line number). */
  lines: number;
  tail: string;
  // A character cut by a read's end is completed by the next read.
  decoder: StringDecoder;
  // Kept only once entries() was asked for: checking the caps needs only the tally.
  entries: LedgerEntry[] | undefined;
  tally: SpendTally;
  // Without their file's name: a rotation renames it.
  problems: Omit<LedgerProblem, "file">[];
  problemCount: number;
}

/** The lines a ledger does not count: how many, and the first few of each file. */
export interface LedgerProblems {
  count: number;
  shown: LedgerProblem[];
}

/** What a turn is reserved as: who runs it, and at what cost, when known. */
export interface ReserveAs {
  provider: string;
  model?: string | undefined;
  expectedUsd?: number | undefined;
}

/** The spend ledger of one state folder, appended to and read incrementally. */
export class SpendLedger {
  #files: FileRead[] = [];
  #keepEntries = false;
  readonly #reserved = new LiveReservations();
  readonly #rotateBytes: number;

  constructor(
    readonly path: string,
    options: { rotateBytes?: number } = {},
  ) {
    this.#rotateBytes = options.rotateBytes ?? ROTATE_BYTES;
  }

  /** Appends one turn, replacing the reservation it ran on (if any), in one write; a failed write is said on stderr and only costs the cap's accuracy. */
  append(entry: SpendEntry, reservation?: string): void {
    this.#write(reservation === undefined ? entry : { ...entry, reservation });
    if (reservation !== undefined) this.#reserved.end(reservation);
  }

  /**
   * Reserves a turn: one line appended, then the ledger read up to it. Its id, and the live
   * reservations ahead of it in the ledger (what it must count; those after it count it).
   */
  reserve(as: ReserveAs, now: number = Date.now()): { id: string; ahead: Reservation[] } {
    const id = randomUUID();
    this.#write({
      reserve: id,
      at: new Date(now).toISOString(),
      provider: as.provider,
      ...(as.model === undefined ? {} : { model: as.model }),
      ...(as.expectedUsd === undefined ? {} : { expected_usd: as.expectedUsd }),
      owner: LiveReservations.owner(),
    });
    this.#readIn(now);
    return { id, ahead: this.#reserved.alive(id) };
  }

  /** Gives a reservation back: its turn never ran. */
  release(id: string, now: number = Date.now()): void {
    this.#write({ release: id, at: new Date(now).toISOString() });
    this.#reserved.end(id);
  }

  /** The live reservations (their owner runs), oldest first, with what was appended since the last call read in. */
  reservations(now: number = Date.now()): Reservation[] {
    this.#readIn(now);
    return this.#reserved.alive();
  }

  /** The lines read so far that are not counted (not ours, or cut), with what was appended since read in. */
  problems(now: number = Date.now()): LedgerProblems {
    const files = this.#readIn(now);
    return { count: files.reduce((n, f) => n + f.problemCount, 0), shown: files.flatMap((f) => f.problems.map((p) => ({ file: basename(f.path), ...p }))) };
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
      this.#reserved.clear();
    }
    const oldest = now - KEEP_MS;
    for (const read of this.#readIn(now)) if ((read.entries?.[0]?.ms ?? Infinity) < oldest) read.entries = read.entries?.filter((e) => e.ms >= oldest);
    return this.#files.flatMap((f) => f.entries ?? []);
  }

  /**
   * What the turns of the last eight days add up to per day (one tally a file), with what was appended
   * since the last call read in: a stat or two and the new lines. Refused as entries() is.
   */
  tallies(now: number = Date.now()): SpendTally[] {
    return this.#readIn(now).map((f) => f.tally.prune(now));
  }

  // One line in one write (O_APPEND: lines of concurrent writers never interleave, and every reader sees them in one order).
  #write(line: object): void {
    try {
      ensurePrivateDir(dirname(this.path));
      const fd = openSync(this.path, "a", 0o600);
      try {
        keepPrivate(this.path, fstatSync(fd));
        writeSync(fd, `${JSON.stringify(line)}\n`);
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

  // Follows both files by inode and reads what was appended to each since the last look.
  #readIn(now: number): FileRead[] {
    keepPrivate(dirname(this.path));
    const files = [`${this.path}.1`, this.path].flatMap((p) => {
      const s = statSync(p, { throwIfNoEntry: false });
      keepPrivate(p, s);
      return s === undefined ? [] : [{ p, ino: s.ino, size: s.size }];
    });
    this.#files = files.map(({ p, ino, size }) => {
      const known = this.#files.find((f) => f.ino === ino);
      const read: FileRead =
        known !== undefined && size >= known.offset
          ? known
          : {
              path: p,
              ino,
              offset: 0,
              lines: 0,
              tail: "",
              decoder: new StringDecoder("utf8"),
              entries: this.#keepEntries ? [] : undefined,
              tally: new SpendTally(),
              problems: [],
              problemCount: 0,
            };
      read.path = p;
      if (size > read.offset)
        readFrom(p, read, (line) => {
          this.#take(line, read, now);
        });
      return read;
    });
    return this.#files;
  }

  #take(line: string, read: FileRead, now: number): void {
    read.lines++;
    if (line === "") return;
    const parsed = parseLedgerLine(line, now);
    if (parsed.kind === "problem") {
      read.problemCount++;
      if (read.problems.length < SHOWN_PROBLEMS) read.problems.push({ line: read.lines, reason: parsed.reason });
    } else if (parsed.kind === "reserve") this.#reserved.add(parsed.reservation);
    else if (parsed.kind === "release") this.#reserved.end(parsed.id);
    else {
      if (parsed.reservation !== undefined) this.#reserved.end(parsed.reservation);
      read.entries?.push(parsed.entry);
      read.tally.add(parsed.entry);
    }
  }
}

// Reads what was appended to `path` past `read.offset`; whole lines are taken, a line still being written waits for the next read.
function readFrom(path: string, read: FileRead, take: (line: string) => void): void {
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
      for (const line of lines) take(line);
    }
  } finally {
    closeSync(fd);
  }
}
