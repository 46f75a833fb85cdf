// A page of an agent's raw entries (what `subagent-mcp logs` prints): those of the newest turns
// before a turn, read backwards from the journal's end a chunk at a time; nothing older is read.
import { agentDir, journalFiles, parseLine } from "../read.js";
import type { JournalEntry } from "../schema.js";
import { linesFromEnd, type WindowStats } from "../window.js";

/** What {@link entriesBefore} returns. */
interface EntriesPage {
  /** Entries oldest first, the launch entry left out (it opens every file: `launchEntry` reads it). */
  entries: JournalEntry[];
  /** The oldest turn on the page, when the journal has older ones: the `before` of the page before it. */
  earlierTurn?: number;
  /** Lines read that could not be read as entries (cut, invalid, too long). */
  skipped: number;
  /** Bytes read. */
  bytes: number;
}

// The turn a prompt, tool or turn line belongs to, read from the line's start without parsing it (our writer's key order).
const TURN_OF = /^\{"t":"(?:prompt|tool|turn)","at":"[^"]*","turn":(\d+)[,}]/;
const PROMPT = /^\{"t":"prompt"/;
const LAUNCH = /^\{"t":"launch"/;
/** Entries between turns (statuses, errors) kept at most while it is not known yet which page they belong to. */
const MAX_PENDING = 10_000;

const turnOf = (e: JournalEntry): number | undefined => (e.t === "prompt" || e.t === "tool" || e.t === "turn" ? e.turn : undefined);

/**
 * The entries of the `turns` newest turns before turn `before` (Infinity: the newest turns), and
 * the entries between them, oldest first. An entry of no turn (a status, an error, an end) belongs
 * to the page of the turn before it. Throws NOT_FOUND.
 */
export function entriesBefore(dir: string, agentId: string, before: number, turns: number): EntriesPage {
  const files = journalFiles(agentDir(dir, agentId));
  const stats: WindowStats = { bytes: 0, skipped: 0, truncated: false };
  // Newest first while read; reversed at the end.
  const page: JournalEntry[] = [];
  let pending: JournalEntry[] = [];
  const seen = new Set<number>();
  let oldest = Number.POSITIVE_INFINITY;
  let full = false;
  // Stopped at an older turn's prompt: the journal has turns before the page.
  let stopped = false;
  // An older turn's line was met: entries of no turn from here on are its page's.
  let beyond = false;
  for (const line of linesFromEnd(files, Number.MAX_SAFE_INTEGER, stats)) {
    if (LAUNCH.test(line)) continue;
    const quick = TURN_OF.exec(line);
    const early = quick === null ? undefined : Number(quick[1]);
    if (early !== undefined && early >= before) {
      pending = [];
      continue;
    }
    // Once the page is full, an older turn's lines are passed over until its prompt: lines of the
    // page's oldest turn (a message queued while that one ran) can come after them.
    if (full && early !== undefined && !seen.has(early)) {
      // What lies between an older turn's lines is that turn's page.
      [beyond, pending] = [true, []];
      if (PROMPT.test(line) && early < oldest) {
        stopped = true;
        break;
      }
      continue;
    }
    const e = parseLine(line);
    if (e === undefined) {
      stats.skipped += 1;
      continue;
    }
    const n = turnOf(e);
    if (n === undefined) {
      if (!beyond && pending.length < MAX_PENDING) pending.push(e);
      continue;
    }
    if (n >= before) {
      pending = [];
      continue;
    }
    if (!seen.has(n)) {
      if (full) {
        [beyond, pending] = [true, []];
        if (e.t === "prompt" && n < oldest) {
          stopped = true;
          break;
        }
        continue;
      }
      seen.add(n);
      oldest = Math.min(oldest, n);
      full = seen.size >= turns;
    }
    page.push(...pending, e);
    pending = [];
  }
  // Read to the journal's start: what came before its first turn (its session) opens the page.
  if (!stopped) page.push(...pending);
  page.reverse();
  return { entries: page, ...(stopped ? { earlierTurn: oldest } : {}), skipped: stats.skipped, bytes: stats.bytes };
}
