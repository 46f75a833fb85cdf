// Reads an agent's journal back, tolerating the half line a crash can leave.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkId, JournalError } from "./errors.js";
import { JOURNAL_FILE, readOwner } from "./owner.js";
import { JournalEntrySchema, type JournalEntry, type ServerRef } from "./schema.js";
import { linesFromStart, type WindowStats } from "./window.js";

const ROTATED = /^journal\.(\d+)\.jsonl$/;

/** What {@link readJournal} returns. */
interface JournalContents {
  /** Entries oldest first. */
  entries: JournalEntry[];
  /** Lines that were cut or not valid entries. */
  skipped: number;
  /** The server that owns the agent, when owner.json is readable. */
  owner: ServerRef | undefined;
}

/** Parses the whole lines of `text`; what follows the last newline is returned as `rest`. */
export function parseLines(text: string): { entries: JournalEntry[]; skipped: number; rest: string } {
  const lines = text.split("\n");
  const rest = lines.pop() ?? "";
  const entries: JournalEntry[] = [];
  let skipped = 0;
  for (const line of lines) {
    if (line.trim() === "") continue;
    const entry = parseLine(line);
    if (entry === undefined) skipped++;
    else entries.push(entry);
  }
  return { entries, skipped, rest };
}

/** One line as an entry; undefined when it is not valid JSON or not an entry. */
export function parseLine(line: string): JournalEntry | undefined {
  try {
    const parsed = JournalEntrySchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The agent's directory, checked to exist: NOT_FOUND otherwise. */
export function agentDir(dir: string, agentId: string): string {
  checkId(agentId);
  const path = join(dir, agentId);
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // Missing: reported below.
  }
  if (!isDir) throw new JournalError("NOT_FOUND", `no journal for agent ${agentId} under ${dir}`);
  return path;
}

/** The journal's files, oldest first: journal.N.jsonl ... journal.1.jsonl, then journal.jsonl. */
export function journalFiles(path: string): string[] {
  const rotated = readdirSync(path)
    .map((name) => ({ name, n: Number(ROTATED.exec(name)?.[1] ?? -1) }))
    .filter((f) => f.n > 0)
    .sort((a, b) => b.n - a.n)
    .map((f) => f.name);
  return [...rotated, JOURNAL_FILE].map((name) => join(path, name));
}

/** What {@link journalEntries} saw besides its entries. */
interface EntriesRead extends WindowStats {
  /** Launch entries left out for opening a rotated file (the writer copies the launch into each). */
  copies: number;
}

/**
 * An agent's entries, oldest first (rotated files first), read a chunk at a time: only the line
 * being parsed is held. Cut or invalid lines are counted in `stats.skipped`; lines `only` does not
 * match are passed over unparsed. With `copies: "skip"` the launch entry that opens each rotated
 * file after the oldest is left out. Throws NOT_FOUND at once (not on the first step).
 */
export function journalEntries(
  dir: string,
  agentId: string,
  stats: EntriesRead,
  options: { only?: RegExp; copies?: "keep" | "skip" } = {},
): Generator<JournalEntry> {
  const files = journalFiles(agentDir(dir, agentId));
  return entriesOf(files, stats, options);
}

function* entriesOf(files: string[], stats: EntriesRead, options: { only?: RegExp; copies?: "keep" | "skip" }): Generator<JournalEntry> {
  let seenLaunch = false;
  for (const line of linesFromStart(files, stats)) {
    if (options.only !== undefined && !options.only.test(line)) continue;
    const entry = parseLine(line);
    if (entry === undefined) stats.skipped += 1;
    else if (entry.t === "launch" && seenLaunch && options.copies === "skip") stats.copies += 1;
    else {
      if (entry.t === "launch") seenLaunch = true;
      yield entry;
    }
  }
}

/** Counters for a {@link journalEntries} read. */
export const entriesStats = (): EntriesRead => ({ bytes: 0, skipped: 0, truncated: false, copies: 0 });

/**
 * An agent's entries, oldest first (rotated files first); cut or invalid lines are skipped and
 * counted. Holds every entry: for tests and small reads only; readers of real journals stream
 * with {@link journalEntries} or read a page (pages.ts). Throws NOT_FOUND.
 */
export function readJournal(dir: string, agentId: string): JournalContents {
  const path = agentDir(dir, agentId);
  const stats = entriesStats();
  const entries = [...journalEntries(dir, agentId, stats)];
  return { entries, skipped: stats.skipped, owner: readOwner(path) };
}
