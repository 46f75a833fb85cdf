// Where each cap stands, in the words `usage --caps --json` prints and the dashboard shows: one
// shape for both, so the page and the command never disagree.
import type { CapView } from "@subagent-mcp/contract";
import { capStandings, type Spending, type UnderWay } from "./spend-caps.js";
import type { LedgerProblem } from "./ledger-lines.js";
import type { SpendCaps } from "./schema.js";

const micro = (n: number): number => Math.round(n * 1e6) / 1e6;

/** Every limit of every cap over `spend` (the ledger's, and on a fleet the other machines') and the turns under way, as it stands at `now`. */
export function capRows(caps: SpendCaps, spend: Spending, now: number = Date.now(), underWay: readonly UnderWay[] = []): CapView[] {
  return capStandings(caps, spend, now, underWay).map((s) => ({
    cap: s.key,
    limit: s.field,
    spent: micro(s.spent),
    ...(s.reserved === 0 ? {} : { reserved: micro(s.reserved) }),
    of: s.cap,
    left: micro(s.left),
    resets_at: s.resetsAt.toISOString(),
    ...(s.unknownCostTurns === 0 ? {} : { unknown_cost_turns: s.unknownCostTurns }),
    reached: s.spent + s.reserved >= s.cap,
  }));
}

/** A ledger line not counted, as `usage --caps` and the dashboard say it: "spend.jsonl line 12: not JSON". */
export function problemText(p: LedgerProblem): string {
  return `${p.file} line ${p.line}: ${p.reason}`;
}
