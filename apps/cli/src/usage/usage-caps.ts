// `usage --caps`: where each of the config's `spend_caps` stands, summed from the state folder's spend
// ledger (every server and worker of the user) and, on a fleet, the other machines' turns from its
// Redis: spent, cap and left for the UTC day and the ISO week, with when each resets; the turns under
// way (reserved) with them; and every ledger line that is not counted (not ours, or cut), said.
import type { EffectiveConfig } from "@subagent-mcp/config";
import type { CapView } from "@subagent-mcp/contract";
import { capRows, problemText, SpendLedger, type LedgerEntry, type LedgerProblems } from "@subagent-mcp/usage";
import { stateLayout } from "@subagent-mcp/state";

/** What `usage --caps --json` prints. */
interface CapsReport {
  caps: CapView[];
  /** Ledger lines not counted: how many, and the first few of each file (file, line, why). */
  problems?: LedgerProblems;
}

/** Every limit of every cap, as it stands now: this machine's ledger and `others`, the other machines' turns (the dashboard's rows too). */
export function capsReport(stateDir: string, config: EffectiveConfig, others: readonly LedgerEntry[] = [], now: number = Date.now()): CapsReport {
  const ledger = new SpendLedger(stateLayout(stateDir).spend);
  const entries = [...ledger.entries(now), ...others];
  const problems = ledger.problems(now);
  return { caps: capRows(config.spend_caps ?? {}, entries, now, ledger.reservations(now)), ...(problems.count === 0 ? {} : { problems }) };
}

/** The report as lines: per cap, each limit's spent / cap / left and its reset; then the ledger's lines not counted. */
export function renderCaps(report: CapsReport): string {
  const lines =
    report.caps.length === 0
      ? ['spend_caps: none set (config `spend_caps`, e.g. {"claude": {"day_usd": 5}})']
      : ["spend_caps (UTC day; ISO week from Monday 00:00 UTC; every server and worker of this user, on a fleet every machine's):"];
  for (const r of report.caps) {
    const usd = r.limit.endsWith("usd");
    const n = (v: number): string => (usd ? `$${v.toFixed(2)}` : String(v));
    const held = r.reserved === undefined ? "" : ` (${n(r.reserved)} held by turns under way)`;
    const unknown = r.unknown_cost_turns === undefined ? "" : ` (${r.unknown_cost_turns} turn(s) of unknown cost not counted)`;
    lines.push(`  ${r.cap} ${r.limit}: ${n(r.spent)} / ${n(r.of)}${held}, ${n(r.left)} left${r.reached ? " (reached)" : ""}, resets ${r.resets_at}${unknown}`);
  }
  const p = report.problems;
  if (p !== undefined) {
    lines.push(`spend ledger: ${p.count} line(s) not counted (not written by subagent-mcp, or cut):`);
    for (const shown of p.shown) lines.push(`  ${problemText(shown)}`);
    if (p.count > p.shown.length) lines.push(`  ... and ${p.count - p.shown.length} more`);
  }
  return lines.join("\n");
}
