// The in-memory side of the category index: per category and candidate, a bounded ring of recent
// turns in typed columns, and the medians over them that routing reads as a typical turn. Kept
// apart from the file and the class so the hot path (push, medians) reads on its own.
import { z } from "zod";
import { definedFields } from "@subagent-mcp/contract/fields";

/** Turns kept per category and candidate, newest kept: enough for a stable median, small enough to recompute in microseconds. */
export const DEFAULT_RING_SIZE = 256;

/** One ring on disk: columns of equal length, oldest turn first. */
export const RingFileSchema = z
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
export type RingFile = z.infer<typeof RingFileSchema>;

/** One finished turn of an agent launched for a category, as {@link CategoryIndex.record} takes it. */
export interface IndexedTurn {
  category: string;
  provider: string;
  /** The model the launch asked for (routing's candidate names it so), not the one the CLI reported. */
  model?: string | undefined;
  usage: { input: number; output: number; cache_read: number };
  costUsd?: number | undefined;
  durationMs: number;
  /** Neither an error nor interrupted. */
  ok: boolean;
}

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

/** The key of a candidate, as `usage --by category` names it: `provider model`, or `provider` alone. */
export function candidateKey(candidate: { provider: string; model?: string | undefined }): string {
  return candidate.model === undefined || candidate.model === "" ? candidate.provider : `${candidate.provider} ${candidate.model}`;
}

/** Per category, per candidate key, its ring. */
export type Rings = Map<string, Map<string, Ring>>;

/** One ring's identity across categories, for the set of rings recorded into. */
export const ringId = (category: string, key: string): string => `${category}\n${key}`;

// A fixed-size ring of turns in typed columns: pushing is O(1) and a median reads one column.
export class Ring {
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

  toFile(): RingFile {
    const slots = [...this.order()];
    const col = (c: Float64Array): number[] => slots.map((i) => c[i] ?? 0);
    return {
      provider: this.provider,
      ...definedFields({ model: this.model }),
      last_at: this.lastAt,
      input: col(this.input),
      output: col(this.output),
      cache_read: col(this.cacheRead),
      cost_usd: slots.map((i) => (Number.isNaN(this.cost[i]) ? null : (this.cost[i] ?? null))),
      duration_ms: col(this.duration),
      ok: slots.map((i) => this.ok[i] === 1),
    };
  }

  static fromFile(f: RingFile, capacity: number): Ring {
    const ring = new Ring(f.provider, f.model, capacity, f.last_at);
    // A file written with bigger rings keeps its newest turns.
    for (let i = Math.max(0, f.input.length - capacity); i < f.input.length; i++) {
      ring.push(f.input[i] ?? 0, f.output[i] ?? 0, f.cache_read[i] ?? 0, f.cost_usd[i] ?? Number.NaN, f.duration_ms[i] ?? 0, f.ok[i] ?? false);
    }
    return ring;
  }
}

/** Medians over rings, reusing one scratch buffer (grown as needed) so a lookup allocates no column. */
export class Medians {
  #scratch = new Float64Array(1024);

  /** The typical turn over `rings` (cost only for a candidate's own), null when they hold no turn. */
  of(rings: readonly Ring[], source: TypicalTurn["source"]): TypicalTurn | null {
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
      ...definedFields({ costUsd: cost }),
      turns: n,
      source,
    });
  }
}

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
