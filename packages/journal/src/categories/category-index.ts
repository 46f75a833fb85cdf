// What a typical turn of each task category costs on each candidate, learned from past turns and
// kept in one small file beside the journals, so that routing reads it in microseconds instead of
// scanning every journal at launch time.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CATEGORY_INDEX_FILE, readIndexFile, scanJournals, stampOf, writeIndexFile } from "./category-file.js";
import { candidateKey, DEFAULT_RING_SIZE, Medians, Ring, ringId, type IndexedTurn, type Rings, type TypicalTurn } from "./category-rings.js";
import { plainCause } from "../errors.js";

export { CATEGORY_INDEX_FILE, CategoryIndexFileSchema } from "./category-file.js";
export type { IndexedTurn, TypicalTurn } from "./category-rings.js";

/** A candidate needs this many turns of its own before its medians are trusted over the category's. */
export const MIN_CANDIDATE_TURNS = 3;
/** A burst of turns within this is one write. */
const DEBOUNCE_MS = 250;
// Caps on the number of rings: a category string or a model name comes from outside and could grow without end.
const MAX_CANDIDATES_PER_CATEGORY = 32;
const MAX_CATEGORIES = 64;
/** The cache's key for a whole category's medians: no candidate key can be it. */
const WHOLE = "\u0000category";

/** Options of {@link CategoryIndex.open}. */
interface CategoryIndexOptions {
  /** Turns kept per ring (default {@link DEFAULT_RING_SIZE}). */
  ringSize?: number;
  /** How long a record waits for others before the file is written (default 250 ms). */
  debounceMs?: number;
  /** Where a problem is told (default: a line on stderr; stdout is a server's protocol). */
  log?: (line: string) => void;
  /** The clock (epoch ms) for the rings' last use. */
  now?: () => number;
}

/**
 * Per category and candidate, a bounded ring of the most recent turns, and their medians for
 * routing. Reads are in memory and cached until the category's next record; writes are debounced
 * and atomic. Never throws: a problem with the file is told once on stderr, and the index goes on
 * in memory.
 */
export class CategoryIndex {
  readonly path: string;
  readonly #ringSize: number;
  readonly #debounceMs: number;
  readonly #log: (line: string) => void;
  readonly #now: () => number;
  #rings: Rings = new Map();
  /** Per category: per candidate key (and {@link WHOLE} for the category as a whole), the medians, null when there are none. Dropped on record. */
  readonly #cache = new Map<string, Map<string, TypicalTurn | null>>();
  /** Rings recorded into since the last write: ours win over the file's at the next write. */
  readonly #dirty = new Set<string>();
  /** The version of the file we last read or wrote. */
  #stamp: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #warned = false;
  readonly #medians = new Medians();

  private constructor(
    readonly journalDir: string,
    options: CategoryIndexOptions,
  ) {
    this.path = join(journalDir, CATEGORY_INDEX_FILE);
    this.#ringSize = Math.max(1, Math.floor(options.ringSize ?? DEFAULT_RING_SIZE));
    this.#debounceMs = options.debounceMs ?? DEBOUNCE_MS;
    this.#log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.#now = options.now ?? Date.now;
  }

  /**
   * The index of `journalDir`, read from its file; with no file (or a corrupt one, told on stderr)
   * it is rebuilt once by scanning the journals of agents launched with a category, and written.
   */
  static open(journalDir: string, options: CategoryIndexOptions = {}): CategoryIndex {
    const index = new CategoryIndex(journalDir, options);
    const read = readIndexFile(index.path, index.#ringSize);
    if (read.kind === "ok") {
      index.#rings = read.rings;
      index.#stamp = read.stamp;
      return index;
    }
    if (read.kind === "corrupt") index.#log(`subagent-mcp: the category index ${index.path} cannot be read (${read.why}); rebuilding it from the journals`);
    const { turns, journals } = scanJournals(journalDir);
    for (const { at, turn } of turns) index.#push(turn, at);
    // Written once any journal was scanned, empty when none had a categorized turn: the next process
    // then reads the file instead of scanning every journal again (seconds at 10,000 agents). Over a
    // corrupt file too, so that it is told once.
    if (journals > 0 || read.kind === "corrupt") index.#write();
    return index;
  }

  /** Adds a finished turn: seen by {@link typical} at once, written to the file shortly (one write per burst). */
  record(turn: IndexedTurn): void {
    this.#push(turn, this.#now());
    this.#dirty.add(ringId(turn.category, candidateKey(turn)));
    this.#cache.delete(turn.category);
    this.#schedule();
  }

  /**
   * The typical turn of `category` on `candidate`: medians over its own recent turns when it has at
   * least {@link MIN_CANDIDATE_TURNS}, else over every candidate's turns of the category, else
   * undefined. Cached per key until the category's next record; a miss is O(turns of the category).
   */
  typical(category: string, candidate: { provider: string; model?: string | undefined }): TypicalTurn | undefined {
    const key = candidateKey(candidate);
    let cached = this.#cache.get(category);
    const hit = cached?.get(key);
    if (hit !== undefined) return hit ?? undefined;
    if (cached === undefined) {
      cached = new Map();
      this.#cache.set(category, cached);
    }
    const rings = this.#rings.get(category);
    const own = rings?.get(key);
    let found: TypicalTurn | null;
    if (own !== undefined && own.count >= MIN_CANDIDATE_TURNS) found = this.#medians.of([own], "candidate");
    else {
      let whole = cached.get(WHOLE);
      if (whole === undefined) {
        whole = rings === undefined ? null : this.#medians.of([...rings.values()], "category");
        cached.set(WHOLE, whole);
      }
      found = whole;
    }
    cached.set(key, found);
    return found ?? undefined;
  }

  /** Writes what is recorded and not yet written, now (at shutdown). */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dirty.size > 0) this.#write();
  }

  /** Categories and their candidate keys with how many turns each holds (for tests and diagnostics). */
  counts(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [category, rings] of this.#rings) out[category] = Object.fromEntries([...rings].map(([key, ring]) => [key, ring.count]));
    return out;
  }

  #push(turn: IndexedTurn, at: number): void {
    const key = candidateKey(turn);
    let rings = this.#rings.get(turn.category);
    if (rings === undefined) {
      rings = new Map();
      this.#rings.set(turn.category, rings);
    }
    let ring = rings.get(key);
    if (ring === undefined) {
      ring = new Ring(turn.provider, turn.model === "" ? undefined : turn.model, this.#ringSize, at);
      rings.set(key, ring);
      this.#cap(turn.category);
    }
    ring.lastAt = Math.max(ring.lastAt, at);
    const { input, output, cache_read } = turn.usage;
    ring.push(input, output, cache_read, turn.costUsd ?? Number.NaN, turn.durationMs, turn.ok);
  }

  // Past a cap, the least recently used ring (or category) goes: a bounded file whatever the input.
  #cap(category: string): void {
    const rings = this.#rings.get(category);
    while (rings !== undefined && rings.size > MAX_CANDIDATES_PER_CATEGORY) {
      const [oldest] = [...rings].reduce((a, b) => (b[1].lastAt < a[1].lastAt ? b : a));
      rings.delete(oldest);
      this.#dirty.delete(ringId(category, oldest));
    }
    while (this.#rings.size > MAX_CATEGORIES) {
      const newest = (r: Map<string, Ring>): number => Math.max(...[...r.values()].map((ring) => ring.lastAt));
      const [oldest] = [...this.#rings].reduce((a, b) => (newest(b[1]) < newest(a[1]) ? b : a));
      this.#rings.delete(oldest);
      this.#cache.delete(oldest);
    }
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#write();
    }, this.#debounceMs);
    // A pending write never keeps a process alive: flush() at shutdown writes it.
    this.#timer.unref();
  }

  // Another server of the same journal dir may have written since we read: its rings are taken,
  // except those we recorded into since, which are written as ours. Last writer wins per whole
  // ring (a turn the other server added to a ring we also touched is lost): acceptable for
  // medians over hundreds of turns, and no lock is needed.
  #write(): void {
    try {
      // The journal directory is the journal's to make: one removed meanwhile (a test's, a wiped state) is not made again.
      if (!existsSync(this.journalDir)) throw Object.assign(new Error(`${this.journalDir} does not exist`), { code: "ENOENT" });
      if (stampOf(this.path) !== this.#stamp) {
        const read = readIndexFile(this.path, this.#ringSize);
        if (read.kind === "ok") this.#merge(read.rings);
      }
      this.#stamp = writeIndexFile(this.path, this.#rings);
      this.#dirty.clear();
    } catch (err) {
      // Kept dirty: the next record tries again.
      if (!this.#warned) this.#log(`subagent-mcp: cannot write the category index ${this.path}: ${plainCause(err)}`);
      this.#warned = true;
    }
  }

  #merge(theirs: Rings): void {
    for (const [category, rings] of theirs) {
      for (const [key, ring] of rings) {
        if (this.#dirty.has(ringId(category, key))) continue;
        let mine = this.#rings.get(category);
        if (mine === undefined) {
          mine = new Map();
          this.#rings.set(category, mine);
        }
        mine.set(key, ring);
      }
      this.#cap(category);
      this.#cache.delete(category);
    }
  }
}
