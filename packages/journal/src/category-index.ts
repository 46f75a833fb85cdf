// What a typical turn of each task category costs on each candidate, learned from past turns and
// kept in one small file beside the journals, so that routing reads it in microseconds instead of
// scanning every journal at launch time.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeAtomic } from "@subagent-mcp/state";
import { z } from "zod";
import { plainCause } from "./errors.js";
import { journalFiles, parseLine } from "./read.js";
import { launchOf } from "./tail.js";

/** The index's file name inside the journal directory (not an agent id: listing and pruning pass it over). */
export const CATEGORY_INDEX_FILE = "category-index.json";
/** Turns kept per category and candidate, newest kept: enough for a stable median, small enough to recompute in microseconds. */
export const DEFAULT_RING_SIZE = 256;
/** A candidate needs this many turns of its own before its medians are trusted over the category's. */
export const MIN_CANDIDATE_TURNS = 3;
/** A burst of turns within this is one write. */
const DEBOUNCE_MS = 250;
// Caps on the number of rings: a category string or a model name comes from outside and could grow without end.
const MAX_CANDIDATES_PER_CATEGORY = 32;
const MAX_CATEGORIES = 64;

/** One ring on disk: columns of equal length, oldest turn first. */
const RingFileSchema = z
  .object({
    provider: z.string(),
    model: z.string().optional(),
    /** When its newest turn was recorded (epoch ms): the least recently used ring goes first past a cap. */
    last_at: z.number(),
    input: z.array(z.number()),
    output: z.array(z.number()),
    cache_read: z.array(z.number()),
    /** null: the CLI reported no cost for that turn. */
    cost_usd: z.array(z.number().nullable()),
    duration_ms: z.array(z.number()),
    ok: z.array(z.boolean()),
  })
  .refine((r) => [r.output, r.cache_read, r.cost_usd, r.duration_ms, r.ok].every((c) => c.length === r.input.length), "ring columns differ in length");

/** The index file: per category, per candidate key (see {@link candidateKey}), a ring of recent turns. */
export const CategoryIndexFileSchema = z.object({
  version: z.literal(1),
  categories: z.record(z.string(), z.record(z.string(), RingFileSchema)),
});
export type CategoryIndexFile = z.infer<typeof CategoryIndexFileSchema>;

/** One finished turn of an agent launched for a category, as {@link CategoryIndex.record} takes it. */
export const IndexedTurnSchema = z.object({
  category: z.string(),
  provider: z.string(),
  /** The model the launch asked for (routing's candidate names it so), not the one the CLI reported. */
  model: z.string().optional(),
  usage: z.object({ input: z.number(), output: z.number(), cache_read: z.number() }),
  costUsd: z.number().optional(),
  durationMs: z.number(),
  /** Neither an error nor interrupted. */
  ok: z.boolean(),
});
export type IndexedTurn = z.infer<typeof IndexedTurnSchema>;

/** Medians of the recent turns {@link CategoryIndex.typical} found. */
export interface TypicalTurn {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly durationMs: number;
  /** Share of those turns that ended without an error. */
  readonly okRate: number;
  /** Median cost the CLI reported, over the turns that reported one; only for the candidate's own turns (another model's cost says nothing). */
  readonly costUsd?: number;
  /** How many turns the medians are over. */
  readonly turns: number;
  /** candidate: its own turns; category: it has fewer than {@link MIN_CANDIDATE_TURNS}, so every candidate's turns of the category. */
  readonly source: "candidate" | "category";
}

/** Options of {@link CategoryIndex.open}. */
export interface CategoryIndexOptions {
  /** Turns kept per ring (default {@link DEFAULT_RING_SIZE}). */
  ringSize?: number;
  /** How long a record waits for others before the file is written (default 250 ms). */
  debounceMs?: number;
  /** Where a problem is told (default: a line on stderr; stdout is a server's protocol). */
  log?: (line: string) => void;
  /** The clock (epoch ms) for the rings' last use. */
  now?: () => number;
}

/** The key of a candidate, as `usage --by category` names it: `provider model`, or `provider` alone. */
export function candidateKey(candidate: { provider: string; model?: string | undefined }): string {
  return candidate.model === undefined || candidate.model === "" ? candidate.provider : `${candidate.provider} ${candidate.model}`;
}

// A fixed-size ring of turns in typed columns: pushing is O(1) and a median reads one column.
class Ring {
  readonly input: Float64Array;
  readonly output: Float64Array;
  readonly cacheRead: Float64Array;
  /** NaN: no cost reported. */
  readonly cost: Float64Array;
  readonly duration: Float64Array;
  readonly ok: Uint8Array;
  count = 0;
  #next = 0;

  constructor(
    readonly provider: string,
    readonly model: string | undefined,
    readonly capacity: number,
    public lastAt: number,
  ) {
    this.input = new Float64Array(capacity);
    this.output = new Float64Array(capacity);
    this.cacheRead = new Float64Array(capacity);
    this.cost = new Float64Array(capacity);
    this.duration = new Float64Array(capacity);
    this.ok = new Uint8Array(capacity);
  }

  push(input: number, output: number, cacheRead: number, cost: number, duration: number, ok: boolean): void {
    const i = this.#next;
    this.input[i] = input;
    this.output[i] = output;
    this.cacheRead[i] = cacheRead;
    this.cost[i] = cost;
    this.duration[i] = duration;
    this.ok[i] = ok ? 1 : 0;
    this.#next = (i + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Slot indexes, oldest first. */
  *order(): Generator<number> {
    const start = this.count < this.capacity ? 0 : this.#next;
    for (let k = 0; k < this.count; k++) yield (start + k) % this.capacity;
  }

  toFile(): z.infer<typeof RingFileSchema> {
    const slots = [...this.order()];
    const col = (c: Float64Array): number[] => slots.map((i) => c[i] ?? 0);
    return {
      provider: this.provider,
      ...(this.model === undefined ? {} : { model: this.model }),
      last_at: this.lastAt,
      input: col(this.input),
      output: col(this.output),
      cache_read: col(this.cacheRead),
      cost_usd: slots.map((i) => (Number.isNaN(this.cost[i]) ? null : (this.cost[i] ?? null))),
      duration_ms: col(this.duration),
      ok: slots.map((i) => this.ok[i] === 1),
    };
  }

  static fromFile(f: z.infer<typeof RingFileSchema>, capacity: number): Ring {
    const ring = new Ring(f.provider, f.model, capacity, f.last_at);
    // A file written with bigger rings keeps its newest turns.
    for (let i = Math.max(0, f.input.length - capacity); i < f.input.length; i++) {
      ring.push(f.input[i] ?? 0, f.output[i] ?? 0, f.cache_read[i] ?? 0, f.cost_usd[i] ?? Number.NaN, f.duration_ms[i] ?? 0, f.ok[i] ?? false);
    }
    return ring;
  }
}

type Rings = Map<string, Map<string, Ring>>;

// Identifies one version of the file: every write renames a new file over it, so its inode changes
// even when two writes land within the same mtime tick.
function stampOf(path: string): string | undefined {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.ino}:${s.mtimeNs}:${s.size}`;
  } catch {
    return undefined;
  }
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
  // Scratch for medians, grown as needed: no allocation per lookup.
  #scratch = new Float64Array(1024);

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
    const read = index.#read();
    if (read.kind === "ok") {
      index.#rings = read.rings;
      index.#stamp = read.stamp;
      return index;
    }
    if (read.kind === "corrupt") index.#log(`subagent-mcp: the category index ${index.path} cannot be read (${read.why}); rebuilding it from the journals`);
    const found = index.#rebuild();
    // Written when the journals had something to learn (a journal dir with no categorized turn stays
    // as it was), and over a corrupt file so that it is told once.
    if (found > 0 || read.kind === "corrupt") index.#write();
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
    if (own !== undefined && own.count >= MIN_CANDIDATE_TURNS) found = this.#medians([own], "candidate");
    else {
      let whole = cached.get(WHOLE);
      if (whole === undefined) {
        whole = rings === undefined ? null : this.#medians([...rings.values()], "category");
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

  #medians(rings: Ring[], source: TypicalTurn["source"]): TypicalTurn | null {
    let n = 0;
    let ok = 0;
    for (const ring of rings) {
      n += ring.count;
      for (let i = 0; i < ring.count; i++) ok += ring.ok[i] ?? 0;
    }
    if (n === 0) return null;
    if (this.#scratch.length < n) this.#scratch = new Float64Array(Math.max(n, this.#scratch.length * 2));
    const median = (column: (ring: Ring) => Float64Array, skipNaN = false): number | undefined => {
      let m = 0;
      for (const ring of rings) {
        const c = column(ring);
        for (let i = 0; i < ring.count; i++) {
          const v = c[i] ?? 0;
          if (!(skipNaN && Number.isNaN(v))) this.#scratch[m++] = v;
        }
      }
      return m === 0 ? undefined : medianOf(this.#scratch, m);
    };
    const cost = source === "candidate" ? median((r) => r.cost, true) : undefined;
    return Object.freeze({
      input: median((r) => r.input) ?? 0,
      output: median((r) => r.output) ?? 0,
      cacheRead: median((r) => r.cacheRead) ?? 0,
      durationMs: median((r) => r.duration) ?? 0,
      okRate: Math.round((ok / n) * 1000) / 1000,
      ...(cost === undefined ? {} : { costUsd: cost }),
      turns: n,
      source,
    });
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
        const read = this.#read();
        if (read.kind === "ok") this.#merge(read.rings);
      }
      const file: CategoryIndexFile = { version: 1, categories: {} };
      for (const [category, rings] of this.#rings) file.categories[category] = Object.fromEntries([...rings].map(([key, ring]) => [key, ring.toFile()]));
      // Not durable: the index is rebuilt from the journals if a crash loses it.
      writeAtomic(this.path, `${JSON.stringify(file)}\n`, { mode: 0o600, durable: false });
      this.#stamp = stampOf(this.path);
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

  #read(): { kind: "ok"; rings: Rings; stamp: string | undefined } | { kind: "absent" } | { kind: "corrupt"; why: string } {
    const stamp = stampOf(this.path);
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === "ENOENT" || code === "ENOTDIR" ? { kind: "absent" } : { kind: "corrupt", why: plainCause(err) };
    }
    let parsed;
    try {
      parsed = CategoryIndexFileSchema.safeParse(JSON.parse(text));
    } catch {
      return { kind: "corrupt", why: "not JSON" };
    }
    if (!parsed.success) return { kind: "corrupt", why: `not an index: ${parsed.error.issues[0]?.message ?? "invalid"}` };
    const rings: Rings = new Map();
    for (const [category, byKey] of Object.entries(parsed.data.categories)) {
      rings.set(category, new Map(Object.entries(byKey).map(([key, f]) => [key, Ring.fromFile(f, this.#ringSize)])));
    }
    return { kind: "ok", rings, stamp };
  }

  // Every turn of every agent launched with a category, oldest first, so that each ring keeps the
  // newest. Only an agent's head line is read to learn its category: uncategorized journals cost
  // one small read. Returns the turns found. The candidate is the launch's (a failover to another
  // provider is not journaled, so its turns count for the first candidate).
  #rebuild(): number {
    let names: string[];
    try {
      names = readdirSync(this.journalDir).filter((n) => AGENT_ID.test(n));
    } catch {
      return 0;
    }
    const found: { at: number; turn: IndexedTurn }[] = [];
    for (const name of names) {
      let files: string[];
      try {
        files = journalFiles(join(this.journalDir, name));
      } catch {
        continue;
      }
      const launch = launchOf(files);
      if (launch?.category === undefined) continue;
      const who = { category: launch.category, provider: launch.provider, ...(launch.model === undefined ? {} : { model: launch.model }) };
      for (const file of files) {
        let text: string;
        try {
          if (!statSync(file).isFile()) continue;
          text = readFileSync(file, "utf8");
        } catch {
          continue;
        }
        for (const line of text.split("\n")) {
          // The writer puts `t` first: other kinds of entry are passed over unparsed.
          if (line.startsWith('{"t":"') && !line.startsWith('{"t":"turn"')) continue;
          const e = line.trim() === "" ? undefined : parseLine(line);
          if (e?.t !== "turn") continue;
          found.push({
            at: Date.parse(e.at) || 0,
            turn: {
              ...who,
              usage: e.usage,
              ...(e.cost_usd === undefined ? {} : { costUsd: e.cost_usd }),
              durationMs: e.duration_ms,
              ok: !e.is_error && !e.interrupted,
            },
          });
        }
      }
    }
    found.sort((a, b) => a.at - b.at);
    for (const { at, turn } of found) this.#push(turn, at);
    return found.length;
  }
}

const AGENT_ID = /^[a-z0-9-]{1,64}$/;
/** The cache's key for a whole category's medians: no candidate key can be it. */
const WHOLE = "\u0000category";

const ringId = (category: string, key: string): string => `${category}\n${key}`;

/** The median of `a[0..n)`, reordering it: quickselect, O(n) on average. */
function medianOf(a: Float64Array, n: number): number {
  const mid = n >> 1;
  const upper = select(a, n, mid);
  if (n % 2 === 1) return upper;
  // The lower middle is the largest of what quickselect left before `mid`.
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < mid; i++) lower = Math.max(lower, a[i] ?? 0);
  return (lower + upper) / 2;
}

// Hoare-style quickselect: on return a[k] is the k-th smallest, those before it no larger.
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1] ?? 0;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] ?? 0) < pivot) i++;
      while ((a[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const t = a[i] ?? 0;
        a[i] = a[j] ?? 0;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k] ?? 0;
}
