// A worker's turn starts only while no spend cap (nor, with `quota_percent`, a subscription window its
// provider's CLIs reported) holds its provider: read at each message from the state folder (and on a
// fleet the other machines' turns), as every server's launch reads them. Under a cap, the turn is
// reserved in the spend ledger before it starts (usage's reserveTurn), as a server's are, and its
// turn's line replaces the reservation.
import type { EffectiveConfig } from "@subagent-mcp/config";
import { SharedHeadroom } from "@subagent-mcp/usage/headroom";
import { definedFields, type Provider, type TurnLog } from "@subagent-mcp/contract";
import { overQuota, quotaReason } from "@subagent-mcp/routing";
import { stateLayout } from "@subagent-mcp/state";
import { reserveTurn, SpendLedger, type SharedSpend, type turnCost } from "@subagent-mcp/usage";
import { fleetSpend } from "../fleet/spend-share.js";

/** A worker's side of spend_caps: where its turns are recorded, and what holds its next one (asked once before each turn, which it reserves). */
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
  const hold = workerHold(stateDir, config, ledger, share, { provider: who.provider, ...definedFields({ model: who.model }) });
  return {
    record: (entry) => {
      const reservation = hold.taken();
      const [provider, model] = [entry.provider ?? who.provider, entry.model ?? who.model];
      const cost = entry.costUsd ?? (entry.tokens === undefined ? undefined : costOf(provider, model, entry.tokens));
      if (entry.tokens === undefined && cost === undefined) {
        // No turn to count (it never reached the model): its reservation is given back.
        if (reservation !== undefined) ledger.release(reservation);
        return;
      }
      const turn = { at: entry.at, provider, ...definedFields({ model, cost_usd: cost }), agent: `worker:${who.name}` };
      ledger.append(turn, reservation);
      share?.record(turn);
    },
    heldBy: hold.heldBy,
    close: async () => {
      await share?.close();
    },
  };
}

/**
 * What holds `who` now, named with when it resets; undefined while a turn may start, its turn then
 * reserved under the caps until `taken()` hands the reservation to its ledger line. A reservation
 * left by a turn that never recorded (its session failed) is given back at the next ask.
 */
function workerHold(
  stateDir: string,
  config: Pick<EffectiveConfig, "spend_caps" | "quota_percent">,
  ledger: SpendLedger,
  share: SharedSpend | undefined,
  who: { provider: Provider; model?: string | undefined },
): { heldBy: () => string | undefined; taken: () => string | undefined } {
  const { spend_caps: caps, quota_percent: percent } = config;
  const headroom = percent === undefined ? undefined : new SharedHeadroom(stateLayout(stateDir).rateLimits);
  let reserved: string | undefined;
  const taken = (): string | undefined => {
    const id = reserved;
    reserved = undefined;
    return id;
  };
  const quota = (): string | undefined => {
    if (headroom === undefined || percent === undefined) return undefined;
    const now = Date.now();
    const full = overQuota({ percent, windows: (p) => headroom.windows(p, now) }, who.provider, now);
    return full === undefined ? undefined : `held by quota_percent: ${quotaReason(who.provider, full, percent, now)}`;
  };
  const heldBy = (): string | undefined => {
    const left = taken();
    if (left !== undefined) ledger.release(left);
    const cap = caps === undefined ? { id: undefined } : reserveTurn(ledger, caps, who, share);
    if ("refused" in cap) return cap.refused;
    const held = quota();
    if (held === undefined) reserved = cap.id;
    else if (cap.id !== undefined) ledger.release(cap.id);
    return held;
  };
  return { heldBy, taken };
}
