// `usage --caps`: where each of the config's `spend_caps` stands, summed from the state folder's spend
// ledger (every server and worker of the user) and, on a fleet, the other machines' turns from its
// Redis: spent, cap and left for the UTC day and the ISO week, with when each resets.
import type { EffectiveConfig } from "@subagent-mcp/config";
import type { CapView } from "@subagent-mcp/contract";
import { capRows, SpendLedger, type LedgerEntry } from "@subagent-mcp/usage";
import { stateLayout } from "@subagent-mcp/state";

/** Every limit of every cap, as it stands now: this machine's ledger and `others`, the other machines' turns (the dashboard's rows too). */
export function capsReport(stateDir: string, config: EffectiveConfig, others: readonly LedgerEntry[] = [], now: number = Date.now()): { caps: CapView[] } {
  const entries = [...new SpendLedger(stateLayout(stateDir).spend).entries(now), ...others];
  return { caps: capRows(config.spend_caps ?? {}, entries, now) };
}

/** The report as lines: per cap, each limit's spent / cap / left and its reset. */
export function renderCaps(report: ReturnType<typeof capsReport>): string {
  if (report.caps.length === 0) return 'spend_caps: none set (config `spend_caps`, e.g. {"claude": {"day_usd": 5}})';
  const lines = ["spend_caps (UTC day; ISO week from Monday 00:00 UTC; every server and worker of this user, on a fleet every machine's):"];
  for (const r of report.caps) {
    const usd = r.limit.endsWith("usd");
    const n = (v: number): string => (usd ? `$${v.toFixed(2)}` : String(v));
    const unknown = r.unknown_cost_turns === undefined ? "" : ` (${r.unknown_cost_turns} turn(s) of unknown cost not counted)`;
    lines.push(`  ${r.cap} ${r.limit}: ${n(r.spent)} / ${n(r.of)}, ${n(r.left)} left${r.reached ? " (reached)" : ""}, resets ${r.resets_at}${unknown}`);
  }
  return lines.join("\n");
}
