// Where each cap stands, in the words `usage --caps --json` prints and the dashboard shows: one
// shape for both, so the page and the command never disagree.
import type { CapView } from "@subagent-mcp/contract";
import { capStandings, type Spending } from "./spend-caps.js";
import type { SpendCaps } from "./schema.js";

const micro = (n: number): number => Math.round(n * 1e6) / 1e6;

/** Every limit of every cap over `spend` (the ledger's, and on a fleet the other machines'), as it stands at `now`. */
export function capRows(caps: SpendCaps, spend: Spending, now: number = Date.now()): CapView[] {
  return capStandings(caps, spend, now).map((s) => ({
    cap: s.key,
    limit: s.field,
    spent: micro(s.spent),
    of: s.cap,
    left: micro(s.left),
    resets_at: s.resetsAt.toISOString(),
    ...(s.unknownCostTurns === 0 ? {} : { unknown_cost_turns: s.unknownCostTurns }),
    reached: s.spent >= s.cap,
  }));
}
