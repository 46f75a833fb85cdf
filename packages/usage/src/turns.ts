// Every finished turn on disk, from agents' journals and workers' turn logs, with the model it ran
// on: each file streamed a line at a time and each turn handed on, so a sum folds them as they come.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { entriesStats, journalEntries, journalStamp, linesFromStart, serverAlive, type ServerRef, type WindowStats } from "@subagent-mcp/journal";
import type { TurnCache } from "./turn-cache.js";
import { recordedUsage, SavedSessionSchema, TurnLogSchema, ZERO_USAGE, type RecordedUsage, definedFields } from "@subagent-mcp/contract";
import { workerLayout } from "@subagent-mcp/state";

/** One finished turn, wherever it was recorded. */
export interface TurnRecord {
  /** The agent's id, or "worker:<name>" for a worker. */
  agent: string;
  provider: string;
  /** The model the turn ran on as last recorded before it (undefined: never said). */
  model?: string;
  /** The project of the server that launched the agent (workers have none). */
  project?: string;
  label?: string;
  at: string;
  usage: RecordedUsage;
  /** The cost the CLI itself reported for the turn (Claude Code does). */
  cost_usd?: number;
  /** The task category the agent was launched for (launch_agent's task_category). */
  category?: string;
  /** The turn failed (an error, or it was interrupted): it did not do its task. */
  failed?: boolean;
  duration_ms?: number;
}

const ID = /^[a-z0-9-]{1,64}$/;

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
}

// The lines usage needs (launch, resume, session, attempt, turn): the others are passed over unparsed.
const USAGE_LINES = /^(?!\{"t":"(?:prompt|tool|status|error|end)")/;

/** The agents journaled under `agentsDir` (their directories' names). */
export function agentIds(agentsDir: string): string[] {
  return subdirs(agentsDir).filter((n) => ID.test(n));
}

/**
 * Calls `onTurn` for each finished turn of every agent journaled under `agentsDir`, its journal
 * streamed a line at a time (none is held whole); unreadable journals are skipped, cut lines counted.
 * With a `cache`, an agent whose journal did not change since it was read is replayed from it.
 */
export function agentTurns(agentsDir: string, onTurn: (t: TurnRecord) => void, cache?: TurnCache): { skipped: number } {
  let skipped = 0;
  const ids = agentIds(agentsDir);
  // One liveness check per server per pass, not per agent.
  const alive = new Map<string, boolean>();
  const ended = (owner: ServerRef | undefined): boolean => {
    if (owner === undefined) return true;
    const key = `${String(owner.pid)}/${owner.start ?? ""}`;
    return !(alive.get(key) ?? alive.set(key, serverAlive(owner)).get(key) ?? false);
  };
  for (const id of ids) {
    const kept = cache?.get(agentsDir, id);
    if (kept !== undefined) {
      for (const t of kept.turns) onTurn(t);
      skipped += kept.skipped;
      continue;
    }
    const turns: TurnRecord[] = [];
    const read = agentTurnsOf(agentsDir, id, (t) => {
      turns.push(t);
      onTurn(t);
    });
    cache?.set(agentsDir, id, { turns, skipped: read.skipped, stamp: read.stamp, ended: ended(read.owner) });
    skipped += read.skipped;
  }
  cache?.settle(agentsDir, ids);
  return { skipped };
}

// One agent's turns, the stamp of its journal as it was before the read, and its server (the last to launch or resume it).
function agentTurnsOf(
  agentsDir: string,
  id: string,
  onTurn: (t: TurnRecord) => void,
): { skipped: number; stamp: string | undefined; owner?: ServerRef | undefined } {
  const stamp = journalStamp(agentsDir, id);
  const stats = entriesStats();
  let owner: ServerRef | undefined;
  let who: Omit<TurnRecord, "at" | "usage"> = { agent: id, provider: "" };
  try {
    // The launch copied into each rotated file would set the model back: only the first counts.
    for (const e of journalEntries(agentsDir, id, stats, { only: USAGE_LINES, copies: "skip" })) {
      if (e.t === "resume") owner = e.server;
      else if (e.t === "launch") {
        owner = e.server;
        who = { agent: id, provider: e.provider, project: e.project };
        if (e.model !== undefined) who.model = e.model;
        if (e.label !== undefined) who.label = e.label;
        if (e.category !== undefined) who.category = e.category;
      } else if (e.t === "session" && e.model !== undefined) who = { ...who, model: e.model };
      else if (e.t === "attempt") {
        // A failover or an escalation: the turns from here on run on the next candidate.
        const { model: _left, ...rest } = who;
        who = { ...rest, provider: e.next.provider, ...definedFields({ model: e.next.model }) };
      } else if (e.t === "turn")
        onTurn({
          ...who,
          at: e.at,
          usage: e.usage,
          failed: e.is_error || e.interrupted,
          duration_ms: e.duration_ms,
          ...definedFields({ cost_usd: e.cost_usd }),
        });
    }
  } catch {
    // Gone meanwhile, or unreadable: what was read of it counts (and is not kept).
    return { skipped: stats.skipped, stamp: undefined };
  }
  return { skipped: stats.skipped, stamp, owner };
}

// The worker's turn log, read leniently: only what usage needs (`model` when a log records it).
const WorkerTurn = TurnLogSchema.pick({ at: true, model: true, provider: true, tokens: true, costUsd: true });
const WorkerSession = SavedSessionSchema.pick({ provider: true });

function workerProvider(dir: string): string | undefined {
  try {
    const parsed = WorkerSession.safeParse(JSON.parse(readFileSync(workerLayout(dir).session, "utf8")));
    return parsed.success ? parsed.data.provider : undefined;
  } catch {
    return undefined;
  }
}

/** Calls `onTurn` for each turn of every worker under `workersDir` (each one's turn log, streamed); the provider comes from its saved session. */
export function workerTurns(workersDir: string, onTurn: (t: TurnRecord) => void): { skipped: number } {
  const stats: WindowStats = { bytes: 0, skipped: 0, truncated: false };
  let skipped = 0;
  for (const name of subdirs(workersDir)) {
    const dir = join(workersDir, name);
    const provider = workerProvider(dir);
    for (const line of linesFromStart([workerLayout(dir).turns], stats)) {
      let parsed;
      try {
        parsed = WorkerTurn.safeParse(JSON.parse(line));
      } catch {
        parsed = undefined;
      }
      if (parsed?.success !== true) {
        skipped++;
        continue;
      }
      const t = parsed.data;
      onTurn({
        agent: `worker:${name}`,
        provider: t.provider ?? provider ?? "",
        ...definedFields({ model: t.model }),
        at: t.at,
        usage: recordedUsage(t.tokens ?? ZERO_USAGE),
        ...definedFields({ cost_usd: t.costUsd }),
      });
    }
  }
  return { skipped: skipped + stats.skipped };
}
