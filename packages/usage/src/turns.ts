// Every finished turn on disk, from agents' journals and workers' turn logs, with the model it ran on.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ZERO_USAGE } from "@subagent-mcp/core";
import { readJournal } from "@subagent-mcp/journal";
import { z } from "zod";
import { recordedUsage, type RecordedUsage } from "./schema.js";

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

/** The turns of every agent journaled under `agentsDir`; unreadable journals are skipped, cut lines counted. */
export function agentTurns(agentsDir: string): { turns: TurnRecord[]; skipped: number } {
  const turns: TurnRecord[] = [];
  let skipped = 0;
  for (const id of subdirs(agentsDir).filter((n) => ID.test(n))) {
    let read: ReturnType<typeof readJournal>;
    try {
      read = readJournal(agentsDir, id);
    } catch {
      continue;
    }
    skipped += read.skipped;
    let who: Omit<TurnRecord, "at" | "usage"> = { agent: id, provider: "" };
    for (const e of read.entries) {
      if (e.t === "launch") {
        who = { agent: id, provider: e.provider, project: e.project };
        if (e.model !== undefined) who.model = e.model;
        if (e.label !== undefined) who.label = e.label;
        if (e.category !== undefined) who.category = e.category;
      } else if (e.t === "session" && e.model !== undefined) who = { ...who, model: e.model };
      else if (e.t === "attempt") {
        // A failover or an escalation: the turns from here on run on the next candidate.
        const { model: _left, ...rest } = who;
        who = { ...rest, provider: e.next.provider, ...(e.next.model === undefined ? {} : { model: e.next.model }) };
      } else if (e.t === "turn")
        turns.push({
          ...who,
          at: e.at,
          usage: e.usage,
          failed: e.is_error || e.interrupted,
          duration_ms: e.duration_ms,
          ...(e.cost_usd === undefined ? {} : { cost_usd: e.cost_usd }),
        });
    }
  }
  return { turns, skipped };
}

// The worker's turn log, read leniently: only what usage needs (`model` when a log records it).
const WorkerTurn = z.object({
  at: z.string(),
  model: z.string().optional(),
  provider: z.string().optional(),
  tokens: z.object({ input: z.number(), output: z.number(), cacheRead: z.number(), cacheWrite: z.number() }).optional(),
  costUsd: z.number().optional(),
});
const WorkerSession = z.object({ provider: z.string() });

function workerProvider(dir: string): string | undefined {
  try {
    const parsed = WorkerSession.safeParse(JSON.parse(readFileSync(join(dir, "session.json"), "utf8")));
    return parsed.success ? parsed.data.provider : undefined;
  } catch {
    return undefined;
  }
}

/** The turns of every worker under `workersDir` (`<name>/turns.jsonl`); the provider comes from its saved session. */
export function workerTurns(workersDir: string): { turns: TurnRecord[]; skipped: number } {
  const turns: TurnRecord[] = [];
  let skipped = 0;
  for (const name of subdirs(workersDir)) {
    const dir = join(workersDir, name);
    let text: string;
    try {
      text = readFileSync(join(dir, "turns.jsonl"), "utf8");
    } catch {
      continue;
    }
    const provider = workerProvider(dir);
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
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
      const usage = recordedUsage(t.tokens ?? ZERO_USAGE);
      turns.push({
        agent: `worker:${name}`,
        provider: t.provider ?? provider ?? "",
        ...(t.model === undefined ? {} : { model: t.model }),
        at: t.at,
        usage,
        ...(t.costUsd === undefined ? {} : { cost_usd: t.costUsd }),
      });
    }
  }
  return { turns, skipped };
}
