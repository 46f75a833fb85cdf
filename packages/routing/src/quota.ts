// `quota_percent`: the subscription windows a provider's CLIs report, used as a limit. A window
// used at or past the user's percent holds new launches on that provider until it resets.
import type { Headroom } from "./rank.js";
import type { Provider } from "@subagent-mcp/contract";

/** The user's `quota_percent` and where each provider's windows in force are read. */
export interface QuotaInputs {
  percent: number;
  windows(provider: Provider): readonly Headroom[];
}

/** The most used window of `provider` at or past the quota (still in force at `now`), else undefined. */
export function overQuota(quota: QuotaInputs | undefined, provider: Provider, now: number): Headroom | undefined {
  if (quota === undefined) return undefined;
  let fullest: Headroom | undefined;
  for (const w of quota.windows(provider)) {
    if (w.resetsAt !== undefined && w.resetsAt <= now) continue;
    // A spent window counts as full, whatever percent (if any) came with it.
    const used = w.status === "exhausted" ? 100 : w.usedPercent;
    if (used === undefined || used < quota.percent) continue;
    if (fullest === undefined || used > usedOf(fullest)) fullest = w;
  }
  return fullest;
}

/** Why `provider` is held: its window, how much of it is used, the setting, and when it resets. */
export function quotaReason(provider: Provider, w: Headroom, percent: number, now: number): string {
  const used = w.usedPercent === undefined ? "spent" : `${Math.round(w.usedPercent * 100) / 100} % used`;
  const until = w.resetsAt === undefined ? "" : `; it resets at ${new Date(w.resetsAt).toISOString()} (in ${Math.ceil((w.resetsAt - now) / 60_000)} min)`;
  return `${provider}'s ${w.window} window is ${used}, at or past quota_percent ${percent}${until}`;
}

const usedOf = (w: Headroom): number => (w.status === "exhausted" ? 100 : (w.usedPercent ?? 0));
