// A worker's turn starts only while no spend cap (nor, with `quota_percent`, a subscription window its
// provider's CLIs reported) holds its provider: read at each message from the state folder (and on a
// fleet the other machines' turns), as every server's launch reads them.
import { SharedHeadroom, type EffectiveConfig } from "@subagent-mcp/config";
import { definedFields, type Provider, type TurnLog } from "@subagent-mcp/contract";
import { overQuota, quotaReason } from "@subagent-mcp/routing";
import { stateLayout } from "@subagent-mcp/state";
import { capReached, capStandings, SpendLedger, withSharedTally, type Spending, type turnCost } from "@subagent-mcp/usage";
import { fleetSpend } from "./spend-share.js";

/** A worker's side of spend_caps: where its turns are recorded, and what holds its next one. */
export interface WorkerSpending {
  record(turn: TurnLog): void;
  heldBy: () => string | undefined;
  close(): Promise<void>;
}

/**
 * Its turns count against spend_caps as every server's do: appended to the state folder's spend
 * ledger, and on a fleet to its Redis. With caps to hold it to, it also reads the other machines'
 * turns, read in before its first message.
 */
export async function workerSpending(
  stateDir: string,
  config: Pick<EffectiveConfig, "spend_caps" | "quota_percent" | "mailbox">,
  who: { name: string; provider: Provider; model?: string | undefined },
  costOf: ReturnType<typeof turnCost>,
): Promise<WorkerSpending> {
  const ledger = new SpendLedger(stateLayout(stateDir).spend);
  const share = fleetSpend(stateDir, config.mailbox, config.spend_caps !== undefined);
  if (config.spend_caps !== undefined) await share?.ready();
  return {
    record: (entry) => {
      const [provider, model] = [entry.provider ?? who.provider, entry.model ?? who.model];
      const cost = entry.costUsd ?? (entry.tokens === undefined ? undefined : costOf(provider, model, entry.tokens));
      if (entry.tokens === undefined && cost === undefined) return;
      const turn = { at: entry.at, provider, ...definedFields({ model, cost_usd: cost }), agent: `worker:${who.name}` };
      ledger.append(turn);
      share?.record(turn);
    },
    heldBy: workerHold(stateDir, config, () => withSharedTally(ledger.tallies(), share), { provider: who.provider, ...definedFields({ model: who.model }) }),
    close: async () => {
      await share?.close();
    },
  };
}

/** What holds `who` now, named with when it resets; undefined while a turn may start. */
export function workerHold(
  stateDir: string,
  config: Pick<EffectiveConfig, "spend_caps" | "quota_percent">,
  spend: () => Spending,
  who: { provider: Provider; model?: string | undefined },
): () => string | undefined {
  const { spend_caps: caps, quota_percent: percent } = config;
  const headroom = percent === undefined ? undefined : new SharedHeadroom(stateLayout(stateDir).rateLimits);
  return () => {
    const cap = caps === undefined ? undefined : capReached(capStandings(caps, spend()), who);
    if (cap !== undefined || headroom === undefined || percent === undefined) return cap;
    const now = Date.now();
    const full = overQuota({ percent, windows: (p) => headroom.windows(p, now) }, who.provider, now);
    return full === undefined ? undefined : `held by quota_percent: ${quotaReason(who.provider, full, percent, now)}`;
  };
}
