import type { JournalEntry } from "./schema.js";
import type { Receipt, RecordedUsage } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

/** One turn of a conversation as the journal has it. */
export interface JournalTurn {
  turn: number;
  at: string;
  prompts: string[];
  tools: string[];
  result?: string;
  is_error?: boolean;
  interrupted?: boolean;
  usage?: RecordedUsage;
  cost_usd?: number;
  duration_ms?: number;
  /** What the turn did, when its entry kept a receipt. */
  receipt?: Receipt;
}

/**
 * Folds a prompt, tool or turn-end entry into its turn (made on first sight); anything else is
 * left alone. Returns whether the entry was one of those.
 */
export function foldEntry(turns: Map<number, JournalTurn>, e: JournalEntry): boolean {
  if (e.t !== "prompt" && e.t !== "tool" && e.t !== "turn") return false;
  let t = turns.get(e.turn);
  if (t === undefined) turns.set(e.turn, (t = { turn: e.turn, at: e.at, prompts: [], tools: [] }));
  if (e.t === "prompt") t.prompts.push(e.text);
  else if (e.t === "tool") t.tools.push(e.summary);
  else
    Object.assign(t, {
      result: e.result,
      is_error: e.is_error,
      interrupted: e.interrupted,
      usage: e.usage,
      ...definedFields({ cost_usd: e.cost_usd }),
      duration_ms: e.duration_ms,
      ...definedFields({ receipt: e.receipt }),
    });
  return true;
}
