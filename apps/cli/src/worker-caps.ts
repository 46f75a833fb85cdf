// A worker's turn starts only while no spend cap (nor, with `quota_percent`, a subscription window its
// provider's CLIs reported) holds its provider: read at each message from the state folder (and on a
// fleet the other machines' turns), as every server's launch reads them.
import { SharedHeadroom, type EffectiveConfig } from "@subagent-mcp/config";
import type { Provider } from "@subagent-mcp/contract";
import { overQuota, quotaReason } from "@subagent-mcp/routing";
import { stateLayout } from "@subagent-mcp/state";
import { capReached, capStandings, type LedgerEntry } from "@subagent-mcp/usage";

/** What holds `who` now, named with when it resets; undefined while a turn may start. */
export function workerHold(
  stateDir: string,
  config: Pick<EffectiveConfig, "spend_caps" | "quota_percent">,
  entries: () => readonly LedgerEntry[],
  who: { provider: Provider; model?: string | undefined },
): () => string | undefined {
  const { spend_caps: caps, quota_percent: percent } = config;
  const headroom = percent === undefined ? undefined : new SharedHeadroom(stateLayout(stateDir).rateLimits);
  return () => {
    const cap = caps === undefined ? undefined : capReached(capStandings(caps, entries()), who);
    if (cap !== undefined || headroom === undefined || percent === undefined) return cap;
    const now = Date.now();
    const full = overQuota({ percent, windows: (p) => headroom.windows(p, now) }, who.provider, now);
    return full === undefined ? undefined : `held by quota_percent: ${quotaReason(who.provider, full, percent, now)}`;
  };
}
