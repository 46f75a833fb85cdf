// What resuming an agent needs, read from its journal's ends: the launch entry, its latest
// session, turn, prompt and end, and what its latest life spent (turn entries read backwards
// without parsing their results).
import { readOwner } from "./owner.js";
import { agentDir, journalFiles, parseLine } from "./read.js";
import type { JournalEntry, ServerRef } from "./schema.js";
import { latestOf, launchOf } from "./tail.js";
import { linesFromEnd, type WindowStats } from "./window.js";

type Launch = Extract<JournalEntry, { t: "launch" }>;
type Limits = Launch["budget"];

/** What a life of an agent spent: turns, budget tokens (input + output + cache writes), cost and seconds. */
interface LifeSpent {
  turns: number;
  tokens: number;
  costUsd: number;
  seconds: number;
}

/** What {@link resumeFacts} returns. */
interface ResumeFacts {
  launch: Launch | undefined;
  owner: ServerRef | undefined;
  sessionId: string | undefined;
  /** The machine of the fleet its latest session is saved on (a resume runs there), when not the server's. */
  machine: string | undefined;
  /** The newest finished turn's number (0: none). */
  turns: number;
  /** The newest prompt, when its turn never ended. */
  inFlight: { turn: number; prompt: string } | undefined;
  /** How it ended, unless a resume came after. */
  end: { status: string; why: string } | undefined;
  /** The limits of its latest life: those of its latest resume that set any, else its launch's. */
  budget: Limits;
  spent: LifeSpent;
}

// A turn entry's usage, cost and duration from the end of its line (our writer's key order), so its result is never parsed.
const TURN_TAIL = /"usage":\{"input":(\d+),"output":(\d+),"cache_read":(\d+),"cache_write":(\d+)\}(?:,"cost_usd":([-+.\deE]+))?,"duration_ms":(\d+)\}$/;
const IS_TURN = /^\{"t":"turn",/;
const IS_RESUME_OR_LAUNCH = /^\{"t":"(?:resume|launch)",/;

/** Reads what resuming `agentId` needs. Throws NOT_FOUND. */
export function resumeFacts(dir: string, agentId: string): ResumeFacts {
  const path = agentDir(dir, agentId);
  const files = journalFiles(path);
  const launch = launchOf(files);
  const latest = latestOf(files);
  const { budget, spent } = latestLife(files, launch?.budget);
  return {
    launch,
    owner: readOwner(path),
    sessionId: latest.sessionId,
    machine: latest.sessionMachine,
    turns: latest.turn ?? 0,
    inFlight: latest.prompt !== undefined && latest.promptRunning ? { turn: latest.prompt.turn, prompt: latest.prompt.text } : undefined,
    end: latest.end,
    budget,
    spent,
  };
}

// Sums the turns back to the latest resume that set limits (or the start), reading only the ends of their lines.
function latestLife(files: string[], launched: Limits): { budget: Limits; spent: LifeSpent } {
  const spent: LifeSpent = { turns: 0, tokens: 0, costUsd: 0, seconds: 0 };
  const stats: WindowStats = { bytes: 0, skipped: 0, truncated: false };
  for (const line of linesFromEnd(files, Number.MAX_SAFE_INTEGER, stats)) {
    if (IS_TURN.test(line)) {
      const m = TURN_TAIL.exec(line);
      if (m !== null) {
        const [input, output, , cacheWrite] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
        spent.turns += 1;
        spent.tokens += input + output + cacheWrite;
        spent.costUsd += m[5] === undefined ? 0 : Number(m[5]);
        spent.seconds += Number(m[6]) / 1000;
        continue;
      }
    } else if (!IS_RESUME_OR_LAUNCH.test(line) && /^\{"t":"/.test(line)) continue;
    const e = parseLine(line);
    if (e?.t === "turn") {
      spent.turns += 1;
      spent.tokens += e.usage.input + e.usage.output + e.usage.cache_write;
      spent.costUsd += e.cost_usd ?? 0;
      spent.seconds += e.duration_ms / 1000;
    } else if (e?.t === "resume" && e.budget !== undefined) return { budget: e.budget, spent };
  }
  return { budget: launched, spent };
}
