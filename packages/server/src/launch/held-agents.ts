// A pool task or a follow-up runs on the provider its agent already has: nothing to route it past,
// so a spend cap (or a quota window past `quota_percent`) over that provider refuses it before its
// turn starts, with the error and text a launch held the same way gets; one that may run has its
// turn reserved under the caps (see SpendCapsWatch) until it ends.
import { isRunning } from "@subagent-mcp/core";
import { overQuota, quotaReason, type Candidate } from "@subagent-mcp/routing";
import type { Provider } from "@subagent-mcp/contract";
import type { ToolDeps } from "../deps.js";
import { isCodedError } from "@subagent-mcp/errors";
import { ServerError } from "../errors.js";
import type { ReservedTurn, SpendCapsWatch } from "@subagent-mcp/budgets";
import type { Runtime } from "../runtime/runtime.js";

/**
 * Resolves once the fleet's spend stream was first read (bounded at 1 s, at once when its Redis fails;
 * at once without caps or a fleet): a cap check after it counts every machine's turns, as a launch's does.
 */
export async function spendRead(runtime: Pick<Runtime, "spendCaps">): Promise<void> {
  await runtime.spendCaps?.ready();
}

/**
 * Throws BUDGET_EXCEEDED when a spend cap or `quota_percent` holds a pool agent's provider/model. With
 * `task`, the task's turn is reserved under the caps (its replica binds it as the task starts).
 */
export async function refuseHeldPoolAgent(
  deps: Pick<ToolDeps, "quotaPercent">,
  runtime: Pick<Runtime, "supervisor" | "spendCaps">,
  who: { provider: Provider; model?: string | undefined },
  task = false,
): Promise<ReservedTurn | undefined> {
  const { supervisor, spendCaps } = runtime;
  await spendRead(runtime);
  const percent = deps.quotaPercent;
  const now = Date.now();
  const full = percent === undefined ? undefined : overQuota({ percent, windows: (provider) => supervisor.rateWindows(provider) }, who.provider, now);
  // A cap is named first, as a launch's check does; a turn reserved is given back when the quota holds it.
  const reason = task ? undefined : spendCaps?.overCap(who, undefined);
  if (reason !== undefined) throw new ServerError("BUDGET_EXCEEDED", reason);
  const turn = task ? spendCaps?.reserve(who) : undefined;
  if (full === undefined || percent === undefined) return turn;
  turn?.release();
  throw new ServerError("BUDGET_EXCEEDED", `launch held by quota_percent: ${quotaReason(who.provider, full, percent, now)}`);
}

/**
 * Throws BUDGET_EXCEEDED when a message to `agentId` would start a turn now on a provider/model a
 * spend cap holds (one stopped at its budget and not `raising` it is refused by send, naming its stop);
 * else that turn is reserved for it (given back by the caller if the message is not sent).
 */
export async function refuseHeldFollowUp(
  runtime: Pick<Runtime, "supervisor" | "spendCaps">,
  agentId: string,
  raising: boolean,
): Promise<ReservedTurn | undefined> {
  const { supervisor, spendCaps } = runtime;
  await spendRead(runtime);
  const view = supervisor.get(agentId);
  if (view.status === "budget_exceeded" && !raising) return undefined;
  // One queued behind a running turn is not refused here: it is held until that turn ends (see holdsFollowUps), which reserves its turn then or parks the agent.
  return isRunning(view.status) ? undefined : spendCaps?.reserve(view, undefined, agentId);
}

/** Whether a follow-up queued behind a running turn waits in the supervisor until it ends, to be checked against the spend caps then. */
export function holdsFollowUps(spendCaps: SpendCapsWatch | undefined): boolean {
  return (spendCaps?.standings().length ?? 0) > 0;
}

/** An escalation's ladder less the rungs a spend cap holds (never stepped onto), with each cap that held one named once. */
export function ladderUnderCaps<T extends Candidate>(watch: SpendCapsWatch | undefined, ladder: readonly T[]): { ladder: T[]; held: string[] } {
  if (watch === undefined) return { ladder: [...ladder], held: [] };
  const held = new Set<string>();
  const kept = ladder.filter((rung) => {
    const reason = watch.overCap(rung, undefined);
    if (reason !== undefined) held.add(reason);
    return reason === undefined;
  });
  return { ladder: kept, held: [...held] };
}

/**
 * An escalation's ladder under the caps (see ladderUnderCaps), its first rung's turn reserved: a rung
 * whose room a racing turn took since is held as a capped one is, and the next tried.
 */
export function reservedLadder<T extends Candidate>(
  watch: SpendCapsWatch | undefined,
  ladder: readonly T[],
): { ladder: T[]; held: string[]; turn: ReservedTurn | undefined } {
  const under = ladderUnderCaps(watch, ladder);
  const held = new Set(under.held);
  for (const [index, rung] of under.ladder.entries()) {
    try {
      return { ladder: under.ladder.slice(index), held: [...held], turn: watch?.reserve(rung) };
    } catch (error) {
      if (!isCodedError(error) || error.code !== "BUDGET_EXCEEDED") throw error;
      held.add(error.message);
    }
  }
  return { ladder: [], held: [...held], turn: undefined };
}
