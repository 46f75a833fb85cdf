// Splits a turn's `wait` latency at the moment the server recorded the turn's end (its journal's turn
// entry): before it, the CLI (the model's last byte -> its end event, parsed by our driver); after
// it, our server (the turn's report -> `wait` returns). Under load the first is mostly the CLIs'
// own CPU contention, the second is ours.
import { journalEntries, entriesStats } from "@subagent-mcp/journal";
import { join } from "node:path";
import { summarize, type Summary } from "../stats.js";

/** One turn as the bench saw it (performance.now() of this process). */
export interface TurnTiming {
  id: string;
  turn: number;
  /** The fake model's last byte of the turn. */
  modelEnd: number;
  /** `wait` returned the turn. */
  returned: number;
}

/** The two halves of the model-end -> wait latency (ms). */
export interface WaitSplit {
  /** The model's end -> the server recorded the turn (the CLI, and our driver reading its end). */
  cli: Summary;
  /** The server recorded the turn -> `wait` returned it (ours, and the answer's way over stdio). */
  ours: Summary;
}

/** When the server recorded each of an agent's turns (epoch ms, from the journal's turn entries). */
function turnTimes(agentsDir: string, id: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of journalEntries(agentsDir, id, entriesStats(), { only: /"t":"turn"/ })) {
    if (entry.t === "turn") out.set(entry.turn, Date.parse(entry.at));
  }
  return out;
}

/** Each turn with when the server recorded its end (this process's performance clock); `stateHome` is the server's XDG_STATE_HOME. */
export function recordedTurns(stateHome: string, timings: TurnTiming[]): { timing: TurnTiming; recorded: number }[] {
  const agentsDir = join(stateHome, "subagent-mcp", "agents");
  const byAgent = new Map<string, Map<number, number>>();
  const out: { timing: TurnTiming; recorded: number }[] = [];
  for (const t of timings) {
    let times = byAgent.get(t.id);
    if (times === undefined) {
      times = turnTimes(agentsDir, t.id);
      byAgent.set(t.id, times);
    }
    const at = times.get(t.turn);
    // The journal's clock is the epoch's (ms); ours is this process's performance clock.
    if (at !== undefined) out.push({ timing: t, recorded: at - performance.timeOrigin });
  }
  return out;
}

/** Splits the turns' latencies at their journal entries. */
export function splitWait(recorded: { timing: TurnTiming; recorded: number }[]): WaitSplit {
  return {
    cli: summarize(recorded.map((r) => r.recorded - r.timing.modelEnd)),
    ours: summarize(recorded.map((r) => r.timing.returned - r.recorded)),
  };
}
