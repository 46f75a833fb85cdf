// Ended agents' summaries kept on disk, so that a server's first listing of 10,000 past agents reads
// one file instead of every journal: a line per agent {n: id, s: journal stamp, v: summary}, appended
// when an ended agent (its server gone) is read from its journal, the last line of an agent winning.
// An entry counts only while its journal's stamp (identity, size, mtime) is the one written with it:
// a journal changed since (a resumed agent) is read again. Torn or invalid lines are skipped; a
// missing, stale or corrupt file costs only the journals' reads, which write it again. Each line is
// one O_APPEND write under PIPE_BUF, so servers appending at once never interleave their lines.
import { closeSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import type { AgentSummary } from "./list.js";

/** The index's file name in the agents directory (no agent's id: those never start with a dot). */
export const SUMMARY_INDEX_FILE = ".summaries.jsonl";

/** A line longer than this is not written (that agent is read from its journal): writes this small are never interleaved. */
const MAX_LINE = 4096;

interface Entry {
  stamp: string;
  summary: AgentSummary;
}

// A line as an entry; undefined when torn, not JSON or not of this shape.
function parse(line: string): { name: string; entry: Entry } | undefined {
  try {
    const o = JSON.parse(line) as { n?: unknown; s?: unknown; v?: Partial<AgentSummary> | null };
    const v = o.v;
    if (typeof o.n !== "string" || typeof o.s !== "string" || typeof v !== "object" || v === null) return undefined;
    if (v.agent_id !== o.n || typeof v.last_at !== "string" || typeof v.project !== "string" || typeof v.turns !== "number") return undefined;
    return { name: o.n, entry: { stamp: o.s, summary: v as AgentSummary } };
  } catch {
    return undefined;
  }
}

/** One agents directory's index, read once; {@link put} appends, {@link prune} rewrites it without the agents gone. */
export class SummaryIndex {
  readonly #file: string;
  #entries: Map<string, Entry> | undefined;
  #lines = 0;
  #pending: string[] = [];

  constructor(dir: string) {
    this.#file = `${dir}/${SUMMARY_INDEX_FILE}`;
  }

  /** The summary kept for `name` when its journal's stamp is still `stamp`. */
  get(name: string, stamp: string): AgentSummary | undefined {
    const e = this.#load().get(name);
    return e?.stamp === stamp ? e.summary : undefined;
  }

  /** Keeps `summary` (of an ended agent) for `name` at `stamp`, written by the next {@link flush}; nothing when already so kept or too long a line. */
  put(name: string, stamp: string, summary: AgentSummary): void {
    const entries = this.#load();
    if (entries.get(name)?.stamp === stamp) return;
    const line = `${JSON.stringify({ n: name, s: stamp, v: summary })}\n`;
    if (Buffer.byteLength(line) > MAX_LINE) return;
    entries.set(name, { stamp, summary });
    this.#pending.push(line);
  }

  /** Appends the lines put since the last flush: the file opened once, a write per line. */
  flush(): void {
    if (this.#pending.length === 0) return;
    const lines = this.#pending;
    this.#pending = [];
    try {
      // Private as the journals are: it holds their prompts.
      const fd = openSync(this.#file, "a", 0o600);
      try {
        for (const line of lines) writeSync(fd, line);
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
    for (const name of entries.keys()) if (!names.has(name)) entries.delete(name);
    if (this.#lines <= Math.max(1000, 2 * entries.size)) return;
    const text = [...entries].map(([n, e]) => `${JSON.stringify({ n, s: e.stamp, v: e.summary })}\n`).join("");
    const tmp = `${this.#file}.${String(process.pid)}.tmp`;
    try {
      // Renamed over: a reader sees the old file or the new one whole. A line another server appends to the old one meanwhile is lost: it is written again on its next read.
      writeFileSync(tmp, text, { mode: 0o600 });
      renameSync(tmp, this.#file);
      this.#lines = entries.size;
    } catch {
      // Not writable: left as it is.
    }
  }

  #load(): Map<string, Entry> {
    if (this.#entries !== undefined) return this.#entries;
    const entries = new Map<string, Entry>();
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
      if (p !== undefined) entries.set(p.name, p.entry);
    }
    this.#lines = lines.length;
    this.#entries = entries;
    return entries;
  }
}
