import type { JournalEntry } from "./schema.js";

/** One turn of a conversation as the journal has it. */
export interface JournalTurn {
  turn: number;
  at: string;
  prompts: string[];
  tools: string[];
  result?: string;
  is_error?: boolean;
  interrupted?: boolean;
  usage?: { input: number; output: number; cache_read: number; cache_write: number };
  cost_usd?: number;
  duration_ms?: number;
}

/** The conversation turn by turn (prompts, tool calls, results); resumes show as notes between turns. */
export function turnsOf(entries: JournalEntry[]): { turns: JournalTurn[]; resumes: { at: string; reason: string }[] } {
  const turns = new Map<number, JournalTurn>();
  const resumes: { at: string; reason: string }[] = [];
  const turn = (n: number, at: string): JournalTurn => {
    let t = turns.get(n);
    if (t === undefined) turns.set(n, (t = { turn: n, at, prompts: [], tools: [] }));
    return t;
  };
  for (const e of entries) {
    if (e.t === "prompt") turn(e.turn, e.at).prompts.push(e.text);
    else if (e.t === "tool") turn(e.turn, e.at).tools.push(e.summary);
    else if (e.t === "resume") resumes.push({ at: e.at, reason: e.reason });
    else if (e.t === "turn")
      Object.assign(turn(e.turn, e.at), {
        result: e.result,
        is_error: e.is_error,
        interrupted: e.interrupted,
        usage: e.usage,
        ...(e.cost_usd === undefined ? {} : { cost_usd: e.cost_usd }),
        duration_ms: e.duration_ms,
      });
  }
  return { turns: [...turns.values()].sort((a, b) => a.turn - b.turn), resumes };
}
