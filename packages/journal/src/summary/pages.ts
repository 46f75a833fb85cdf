// A page of an agent's turns read from its journal a chunk at a time: forwards from a turn, or
// backwards from the end. Nothing is read past what the page needs.
import { agentDir, journalFiles, parseLine } from "../read.js";
import type { JournalEntry } from "../schema.js";
import { latestOf } from "../tail.js";
import { foldEntry, type JournalTurn } from "../turns.js";
import { linesFromEnd, linesFromStart, type WindowStats } from "../window.js";

/** What {@link turnsFrom} and {@link turnsBefore} return. */
interface TurnsRead {
  /** Turns oldest first: the page, and possibly one more (the caller's fitting decides). */
  turns: JournalTurn[];
  /** Resumes among the entries read. */
  resumes: { at: string; reason: string }[];
  /** The newest turn number the journal has (a prompt's turn that is still under way counts). */
  newestTurn: number;
  /** Lines read that could not be read as entries (cut, invalid, too long). */
  skipped: number;
  /** Bytes read. */
  bytes: number;
}

// The turn a prompt, tool or turn line belongs to, read from the line's start without parsing it (our writer's key order).
const TURN_OF = /^\{"t":"(?:prompt|tool|turn)","at":"[^"]*","turn":(\d+)[,}]/;

function add(turns: Map<number, JournalTurn>, e: JournalEntry): number | undefined {
  return foldEntry(turns, e) && "turn" in e ? e.turn : undefined;
}

function newest(files: string[]): number {
  const latest = latestOf(files);
  return Math.max(latest.turn ?? 0, latest.prompt?.turn ?? 0);
}

/**
 * Turns from `from` on, read forwards; stops once `full(done)` holds for the finished turns read
 * so far (those before the turn being read). Throws NOT_FOUND.
 */
export function turnsFrom(dir: string, agentId: string, from: number, full: (done: JournalTurn[]) => boolean): TurnsRead {
  const files = journalFiles(agentDir(dir, agentId));
  const stats: WindowStats = { bytes: 0, skipped: 0, truncated: false };
  const turns = new Map<number, JournalTurn>();
  const resumes: TurnsRead["resumes"] = [];
  let current: number | undefined;
  for (const line of linesFromStart(files, stats)) {
    const quick = TURN_OF.exec(line);
    if (quick !== null && Number(quick[1]) < from) continue;
    const e = parseLine(line);
    if (e === undefined) {
      stats.skipped += 1;
      continue;
    }
    if (e.t === "resume") resumes.push({ at: e.at, reason: e.reason });
    if ((e.t === "prompt" || e.t === "tool" || e.t === "turn") && e.turn < from) continue;
    const n = e.t === "prompt" || e.t === "tool" || e.t === "turn" ? e.turn : undefined;
    if (n !== undefined && current !== undefined && n > current && full(sorted(turns))) break;
    add(turns, e);
    if (n !== undefined) current = Math.max(current ?? n, n);
  }
  return { turns: sorted(turns), resumes, newestTurn: newest(files), skipped: stats.skipped, bytes: stats.bytes };
}

/**
 * The newest turns before `before` (all of them: Infinity), read backwards from the end; stops
 * once `full(turns)` holds for the whole turns read. The oldest turn returned may be the one that
 * did not fit. Throws NOT_FOUND.
 */
export function turnsBefore(dir: string, agentId: string, before: number, full: (turns: JournalTurn[]) => boolean): TurnsRead {
  const files = journalFiles(agentDir(dir, agentId));
  const stats: WindowStats = { bytes: 0, skipped: 0, truncated: false };
  const resumes: TurnsRead["resumes"] = [];
  // Entries newest first: each turn's are gathered, and folded in order once a page is asked for.
  const gathered = new Map<number, JournalEntry[]>();
  let newestSeen: number | undefined;
  let oldest: number | undefined;
  for (const line of linesFromEnd(files, Number.MAX_SAFE_INTEGER, stats)) {
    const quick = TURN_OF.exec(line);
    let n = quick === null ? undefined : Number(quick[1]);
    if (n !== undefined) {
      newestSeen ??= n;
      if (n >= before) continue;
    }
    // A turn older than those gathered starts: the gathered ones are whole.
    if (n !== undefined && oldest !== undefined && n < oldest && full(fold(gathered))) break;
    const e = parseLine(line);
    if (e === undefined) {
      stats.skipped += 1;
      continue;
    }
    if (e.t === "resume") resumes.unshift({ at: e.at, reason: e.reason });
    if (e.t !== "prompt" && e.t !== "tool" && e.t !== "turn") continue;
    if (n === undefined) {
      n = e.turn;
      newestSeen ??= n;
      if (n >= before) continue;
      if (oldest !== undefined && n < oldest && full(fold(gathered))) break;
    }
    oldest = Math.min(oldest ?? n, n);
    const list = gathered.get(n) ?? [];
    list.unshift(e);
    gathered.set(n, list);
  }
  return { turns: fold(gathered), resumes, newestTurn: Math.max(newestSeen ?? 0, newest(files)), skipped: stats.skipped, bytes: stats.bytes };
}

// The gathered entries folded into turns, oldest first.
function fold(gathered: Map<number, JournalEntry[]>): JournalTurn[] {
  const turns = new Map<number, JournalTurn>();
  for (const entries of gathered.values()) for (const e of entries) add(turns, e);
  return sorted(turns);
}

const sorted = (turns: Map<number, JournalTurn>): JournalTurn[] => [...turns.values()].sort((a, b) => a.turn - b.turn);
