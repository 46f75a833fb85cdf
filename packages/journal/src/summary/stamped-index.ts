// What a reader made of ended agents' journals, kept on disk so that the next process reads one file
// instead of every journal: a line per agent {n: id, s: journal stamp, v: value}, appended when an
// agent is read from its journal, the last line of an agent winning. An entry counts only while its
// journal's stamp (identity, size, mtime) is the one written with it: a journal changed since (a
// resumed agent) is read again. Torn or invalid lines are skipped; a missing, stale or corrupt file
// costs only the journals' reads, which write it again. Lines go in O_APPEND writes under PIPE_BUF
// (a few whole lines each), so processes appending at once never interleave their lines; a longer
// value is written in parts {n, s, p: [k, m], c} when the index allows it (else it is read from its journal).
import { closeSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";

/** A line longer than this is not written: writes this small are never interleaved. */
const MAX_LINE = 4096;
/** Characters of a value's JSON per part (escaped, a part's line stays under MAX_LINE). */
const PART = 1500;

interface Entry<V> {
  stamp: string;
  value: V;
  /** Lines it takes in the file. */
  lines: number;
}

/** How an index checks and splits its values. */
export interface StampedIndexOptions<V> {
  /** The value when `v` read back for `name` is one (a line of another shape is skipped). */
  check: (name: string, v: unknown) => V | undefined;
  /** Parts a value may be split into (default 1: a longer value is not kept). */
  maxParts?: number;
}

type Line = { name: string; stamp: string } & ({ v: unknown } | { part: number; of: number; chunk: string });

// A line as what it says; undefined when torn, not JSON or not of this shape.
function parse(line: string): Line | undefined {
  try {
    const o = JSON.parse(line) as { n?: unknown; s?: unknown; v?: unknown; p?: unknown; c?: unknown };
    if (typeof o.n !== "string" || typeof o.s !== "string") return undefined;
    if (o.v !== undefined) return { name: o.n, stamp: o.s, v: o.v };
    const [part, of] = Array.isArray(o.p) ? (o.p as unknown[]) : [];
    if (typeof o.c !== "string" || !Number.isInteger(part) || !Number.isInteger(of)) return undefined;
    if ((part as number) < 0 || (part as number) >= (of as number)) return undefined;
    return { name: o.n, stamp: o.s, part: part as number, of: of as number, chunk: o.c };
  } catch {
    return undefined;
  }
}

/** One file of stamped entries, read once; {@link put} appends, {@link prune} rewrites it without the agents gone. */
export class StampedIndex<V> {
  readonly #file: string;
  readonly #options: StampedIndexOptions<V>;
  #entries: Map<string, Entry<V>> | undefined;
  #lines = 0;
  #pending: string[] = [];

  constructor(file: string, options: StampedIndexOptions<V>) {
    this.#file = file;
    this.#options = options;
  }

  /** Whether anything is kept for `name` (at whatever stamp): when not, its journal need not be stat'ed to ask. */
  has(name: string): boolean {
    return this.#load().has(name);
  }

  /** The value kept for `name` when its journal's stamp is still `stamp`. */
  get(name: string, stamp: string): V | undefined {
    const e = this.#load().get(name);
    return e?.stamp === stamp ? e.value : undefined;
  }

  /** Keeps `value` for `name` at `stamp`, written by the next {@link flush}; nothing when already so kept or too long. */
  put(name: string, stamp: string, value: V): void {
    const entries = this.#load();
    if (entries.get(name)?.stamp === stamp) return;
    const lines = this.#linesOf(name, stamp, value);
    if (lines === undefined) return;
    entries.set(name, { stamp, value, lines: lines.length });
    this.#pending.push(...lines);
  }

  /** Appends the lines put since the last flush: the file opened once, whole lines written together up to MAX_LINE bytes a write. */
  flush(): void {
    if (this.#pending.length === 0) return;
    const lines = this.#pending;
    this.#pending = [];
    try {
      // Private as the journals are: it holds what they say.
      const fd = openSync(this.#file, "a", 0o600);
      try {
        let batch = "";
        let bytes = 0;
        for (const line of lines) {
          const size = Buffer.byteLength(line);
          if (bytes + size > MAX_LINE) {
            if (bytes > 0) writeSync(fd, batch);
            batch = "";
            bytes = 0;
          }
          batch += line;
          bytes += size;
        }
        writeSync(fd, batch);
      } finally {
        closeSync(fd);
      }
      this.#lines += lines.length;
    } catch {
      // No directory, or not writable: the journals are read instead.
    }
  }

  /** Rewrites the file with only the agents in `names` when lines of agents gone or written over are most of it. */
  prune(names: ReadonlySet<string>): void {
    this.flush();
    const entries = this.#load();
    let live = 0;
    for (const [name, e] of entries) {
      if (!names.has(name)) entries.delete(name);
      else live += e.lines;
    }
    if (this.#lines <= Math.max(1000, 2 * live)) return;
    const text = [...entries].flatMap(([n, e]) => this.#linesOf(n, e.stamp, e.value) ?? []).join("");
    const tmp = `${this.#file}.${String(process.pid)}.tmp`;
    try {
      // Renamed over: a reader sees the old file or the new one whole. A line another process appends to the old one meanwhile is lost: it is written again on its next read.
      writeFileSync(tmp, text, { mode: 0o600 });
      renameSync(tmp, this.#file);
      this.#lines = live;
    } catch {
      // Not writable: left as it is.
    }
  }

  // The lines that keep `value`: one, or its parts when allowed; undefined when too long.
  #linesOf(n: string, s: string, value: V): string[] | undefined {
    const line = `${JSON.stringify({ n, s, v: value })}\n`;
    if (Buffer.byteLength(line) <= MAX_LINE) return [line];
    const json = JSON.stringify(value);
    const of = Math.ceil(json.length / PART);
    if (of > (this.#options.maxParts ?? 1)) return undefined;
    const lines: string[] = [];
    for (let k = 0; k < of; k++) {
      const part = `${JSON.stringify({ n, s, p: [k, of], c: json.slice(k * PART, (k + 1) * PART) })}\n`;
      if (Buffer.byteLength(part) > MAX_LINE) return undefined;
      lines.push(part);
    }
    return lines;
  }

  #load(): Map<string, Entry<V>> {
    if (this.#entries !== undefined) return this.#entries;
    const entries = new Map<string, Entry<V>>();
    // Parts seen of a value not yet whole, per agent and stamp (two writers' parts may interleave).
    const parts = new Map<string, (string | undefined)[]>();
    let text = "";
    try {
      text = readFileSync(this.#file, "utf8");
    } catch {
      // None yet: every agent is read from its journal.
    }
    const lines = text.split("\n");
    // What follows the last newline is a line being written (or torn by a crash): not an entry.
    lines.pop();
    for (const line of lines) {
      const p = parse(line);
      if (p === undefined) continue;
      if ("v" in p) {
        const value = this.#options.check(p.name, p.v);
        if (value !== undefined) entries.set(p.name, { stamp: p.stamp, value, lines: 1 });
        continue;
      }
      const key = `${p.name}\n${p.stamp}`;
      let got = parts.get(key);
      if (got?.length !== p.of) parts.set(key, (got = new Array<string | undefined>(p.of).fill(undefined)));
      got[p.part] = p.chunk;
      if (got.some((c) => c === undefined)) continue;
      parts.delete(key);
      const value = this.#whole(p.name, got.join(""));
      if (value !== undefined) entries.set(p.name, { stamp: p.stamp, value, lines: p.of });
    }
    this.#lines = lines.length;
    this.#entries = entries;
    return entries;
  }

  #whole(name: string, json: string): V | undefined {
    try {
      return this.#options.check(name, JSON.parse(json));
    } catch {
      return undefined;
    }
  }
}
