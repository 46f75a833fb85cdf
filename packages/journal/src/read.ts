// Reads an agent's journal back, tolerating the half line a crash can leave.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkId, JournalError } from "./errors.js";
import { JOURNAL_FILE, readOwner } from "./owner.js";
import { JournalEntrySchema, type JournalEntry, type ServerRef } from "./schema.js";

const ROTATED = /^journal\.(\d+)\.jsonl$/;

/** What {@link readJournal} returns. */
export interface JournalContents {
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

/** An agent's entries, oldest first (rotated files first); cut or invalid lines are skipped and counted. Throws NOT_FOUND. */
export function readJournal(dir: string, agentId: string): JournalContents {
  const path = agentDir(dir, agentId);
  const entries: JournalEntry[] = [];
  let skipped = 0;
  for (const file of journalFiles(path)) {
    let text: string;
    try {
      // Only a regular file is read: a device or a pipe in its place would be read forever.
      if (!statSync(file).isFile()) {
        skipped += 1;
        continue;
      }
      text = readFileSync(file, "utf8");
    } catch (err) {
      // Not written yet, or rotated away while we listed.
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw err;
    }
    const parsed = parseLines(text);
    entries.push(...parsed.entries);
    skipped += parsed.skipped + (parsed.rest.trim() === "" ? 0 : 1);
  }
  return { entries, skipped, owner: readOwner(path) };
}
