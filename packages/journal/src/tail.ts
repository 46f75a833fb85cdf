// An agent's summary from the two ends of its journal: the launch entry that opens its oldest
// file, and its latest entries read backwards from the end within a byte budget.
import type { AgentSummary } from "./list.js";
import { serverAlive, readOwner } from "./owner.js";
import { agentDir, journalFiles, parseLine } from "./read.js";
import type { JournalEntry } from "./schema.js";
import { headLine, linesFromEnd, type WindowStats } from "./window.js";
import { definedFields } from "@subagent-mcp/contract/fields";

/** How much of a journal's end a summary reads at most (1 MiB). */
export const TAIL_BYTES = 1024 * 1024;

type Launch = Extract<JournalEntry, { t: "launch" }>;

/** The launch entry that opens an agent's oldest journal file (each rotated file starts with it). */
export function launchOf(files: string[]): Launch | undefined {
  for (const file of files) {
    const line = headLine(file);
    if (line === undefined) continue;
    const entry = parseLine(line);
    return entry?.t === "launch" ? entry : undefined;
  }
  return undefined;
}

/** An agent's launch entry, read from its journal's first line. Throws NOT_FOUND. */
export function launchEntry(dir: string, agentId: string): Launch | undefined {
  return launchOf(journalFiles(agentDir(dir, agentId)));
}

/** What the latest entries say, newest first: each field the newest of its kind within the window. */
export interface Latest {
  last_at?: string;
  status?: { status: string; alive: boolean };
  /** The last `end`, unless a `resume` came after it. */
  end?: { status: string; why: string };
  /** The newest finished turn's number. */
  turn?: number;
  prompt?: { turn: number; text: string };
  /** A prompt whose turn has no `turn` entry after it. */
  promptRunning: boolean;
  sessionId?: string;
  /** The machine of the fleet that session's conversation is saved on, when not the server's. */
  sessionMachine?: string;
  sessionModel?: string;
  stats: WindowStats;
}

const SESSION_OR_RESUME = /^\{"t":"(?:session|resume|launch)"/;

/** Reads the newest entries of `files` backwards until every field is known or `maxBytes` are read. */
export function latestOf(files: string[], maxBytes: number = TAIL_BYTES): Latest {
  const out: Latest = { promptRunning: false, stats: { bytes: 0, skipped: 0, truncated: false } };
  let endDecided = false;
  let sessionDecided = false;
  let maxTurnSeen = -1;
  for (const line of linesFromEnd(files, maxBytes, out.stats)) {
    // Once only the session is left to find, the other lines are passed over unparsed.
    const rest = out.status !== undefined && endDecided && out.turn !== undefined && out.prompt !== undefined;
    if (rest && !SESSION_OR_RESUME.test(line) && line.startsWith('{"t":"')) continue;
    const e = parseLine(line);
    if (e === undefined) {
      out.stats.skipped += 1;
      continue;
    }
    out.last_at ??= e.at;
    switch (e.t) {
      case "status":
        out.status ??= { status: e.status, alive: e.alive };
        break;
      case "end":
        out.status ??= { status: e.status, alive: false };
        if (!endDecided) out.end = { status: e.status, why: e.why };
        endDecided = true;
        break;
      case "resume":
        endDecided = true;
        if (!sessionDecided && e.session_id !== undefined) {
          out.sessionId = e.session_id;
          if (e.machine !== undefined) out.sessionMachine = e.machine;
          sessionDecided = true;
        }
        break;
      case "session":
        if (!sessionDecided) {
          out.sessionId = e.session_id;
          if (e.machine !== undefined) out.sessionMachine = e.machine;
        }
        sessionDecided = true;
        out.sessionModel ??= e.model;
        break;
      case "turn":
        out.turn ??= e.turn;
        maxTurnSeen = Math.max(maxTurnSeen, e.turn);
        break;
      case "prompt":
        if (out.prompt === undefined) {
          out.prompt = { turn: e.turn, text: e.text };
          out.promptRunning = maxTurnSeen < e.turn;
        }
        break;
      case "launch":
        endDecided = true;
        break;
      case "tool":
      case "error":
        break;
    }
    if (out.status !== undefined && endDecided && out.turn !== undefined && out.prompt !== undefined && sessionDecided && out.sessionModel !== undefined) break;
  }
  return out;
}

/** An agent's summary from its journal's head and tail; undefined when it has no entry. Throws NOT_FOUND. */
export function summarizeEnds(dir: string, agentId: string): AgentSummary | undefined {
  const path = agentDir(dir, agentId);
  const files = journalFiles(path);
  const launch = launchOf(files);
  const latest = latestOf(files);
  if (latest.last_at === undefined && launch === undefined) return undefined;
  const owner = readOwner(path);
  const ownerAlive = owner !== undefined && serverAlive(owner);
  const model = latest.sessionModel ?? launch?.model;
  // Turns are numbered on from a resume's prior turns: the newest finished one is their count.
  const turns = latest.turn ?? (latest.prompt === undefined ? 0 : latest.prompt.turn - 1);
  return {
    agent_id: agentId,
    project: launch?.project ?? "",
    cwd: launch?.cwd ?? "",
    provider: launch?.provider ?? "",
    created_at: launch?.at ?? latest.last_at ?? "",
    last_at: latest.last_at ?? launch?.at ?? "",
    turns,
    status: latest.status?.status ?? "unknown",
    // Agents are the server's children: with their server gone, none of them still runs.
    alive: (latest.status?.alive ?? false) && ownerAlive,
    owner_alive: ownerAlive,
    last_turn_running: latest.promptRunning,
    ...definedFields({ owner, model }),
    ...(launch?.label === undefined ? {} : { label: launch.label }),
    ...(launch?.pool === undefined ? {} : { pool: launch.pool }),
    ...(launch?.worktree === undefined ? {} : { worktree: launch.worktree }),
    ...(launch?.lineage === undefined ? {} : { lineage: launch.lineage }),
    ...definedFields({ session_id: latest.sessionId, end: latest.end }),
    ...(latest.prompt === undefined ? {} : { last_prompt: latest.prompt.text }),
  };
}
