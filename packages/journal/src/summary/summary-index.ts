// Ended agents' summaries kept on disk (stamped-index.ts), so that a server's first listing of 10,000
// past agents reads one file instead of every journal: a line per ended agent (its server gone),
// appended when it is read from its journal, checked against its journal's stamp when read back.
import type { AgentSummary } from "../list.js";
import { StampedIndex } from "./stamped-index.js";

/** The index's file name in the agents directory (no agent's id: those never start with a dot). */
export const SUMMARY_INDEX_FILE = ".summaries.jsonl";

// A summary read back, when it is one of `name`'s.
function check(name: string, v: unknown): AgentSummary | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const s = v as Partial<AgentSummary>;
  if (s.agent_id !== name || typeof s.last_at !== "string" || typeof s.project !== "string" || typeof s.turns !== "number") return undefined;
  return s as AgentSummary;
}

/** One agents directory's index of summaries: a line each (a longer summary is not kept). */
export class SummaryIndex extends StampedIndex<AgentSummary> {
  constructor(dir: string) {
    super(`${dir}/${SUMMARY_INDEX_FILE}`, { check });
  }
}
