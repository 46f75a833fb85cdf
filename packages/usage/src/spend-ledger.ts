// What every server and worker of the user spent, turn by turn, in one append-only file of the
// state folder (stateLayout's `spend`): each process appends a line per finished turn in one
// write (O_APPEND, so lines of concurrent writers never interleave), and reads only what was
// appended since its last look, so that checking the caps at launch costs a stat.
import { closeSync, fstatSync, openSync, readSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { ensurePrivateDir } from "@subagent-mcp/state";
import { z } from "zod";

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

/** The spend ledger of one state folder, appended to and read incrementally (by size, inode). */
export class SpendLedger {
  #entries: LedgerEntry[] = [];
  #offset = 0;
  #ino = -1;
  #tail = "";
  // A character cut by a read's end is completed by the next read.
  #decoder = new StringDecoder("utf8");

  constructor(readonly path: string) {}

  /** Appends one turn, in one write; a failed write is said on stderr and only costs the cap's accuracy. */
  append(entry: SpendEntry): void {
    try {
      ensurePrivateDir(dirname(this.path));
      const fd = openSync(this.path, "a", 0o600);
      try {
        writeSync(fd, `${JSON.stringify(entry)}\n`);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      process.stderr.write(`subagent-mcp: could not record spending in ${this.path}: ${String(error)}\n`);
    }
  }

  /** The turns of the last eight days, with what was appended since the last call read in. */
  entries(now: number = Date.now()): readonly LedgerEntry[] {
    this.#refresh();
    const oldest = now - KEEP_MS;
    if (this.#entries.length > 0 && (this.#entries[0]?.ms ?? 0) < oldest) this.#entries = this.#entries.filter((e) => e.ms >= oldest);
    return this.#entries;
  }

  // A stat per call; a read only of the bytes appended since (all of them after a rotation or a truncation).
  #refresh(): void {
    const s = statSync(this.path, { throwIfNoEntry: false });
    if (s === undefined) {
      this.#reset(-1);
      return;
    }
    if (s.ino !== this.#ino || s.size < this.#offset) this.#reset(s.ino);
    if (s.size === this.#offset) return;
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      const buffer = Buffer.alloc(CHUNK);
      while (this.#offset < size) {
        const n = readSync(fd, buffer, 0, Math.min(CHUNK, size - this.#offset), this.#offset);
        if (n <= 0) break;
        this.#offset += n;
        this.#take(this.#decoder.write(buffer.subarray(0, n)));
      }
    } finally {
      closeSync(fd);
    }
  }

  #reset(ino: number): void {
    this.#entries = [];
    this.#offset = 0;
    this.#tail = "";
    this.#decoder = new StringDecoder("utf8");
    this.#ino = ino;
  }

  // Whole lines are parsed; a line still being written waits for the next read.
  #take(text: string): void {
    const lines = (this.#tail + text).split("\n");
    this.#tail = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "") continue;
      let parsed;
      try {
        parsed = SpendEntrySchema.safeParse(JSON.parse(line));
      } catch {
        continue;
      }
      const ms = parsed.success ? Date.parse(parsed.data.at) : NaN;
      if (parsed.success && Number.isFinite(ms)) this.#entries.push({ ...parsed.data, ms });
    }
  }
}
