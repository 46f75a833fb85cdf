import type { Driver } from "@subagent-mcp/core";
import type { Candidate } from "@subagent-mcp/routing";
import { ServerError } from "../errors.js";
import type { ToolDeps } from "../deps.js";
import { errorMessage } from "@subagent-mcp/errors";
import { definedFields } from "@subagent-mcp/contract/fields";

/** A routing candidate and, when it runs on another machine of the fleet, how it gets there. */
export interface Placed {
  /** Its `machine` is the node it was placed on (or the name a failover will place it by). */
  candidate: Candidate;
  placement?: { machine: string; driver: Driver };
}

/** The fleet's sentence when there is none: `machine` needs the shared Redis. */
export const NO_FLEET = "machine needs the fleet: set SUBAGENT_MCP_MAILBOX_URL to the Redis every machine shares, and the fleet key";

/**
 * Where each candidate runs: the launch's `machine` for all of them, else each one's own (a
 * routing entry may name one), else here. The first candidate is placed now, so that an unknown
 * or full machine is known at once: it is skipped with the reason (and is this call's error when
 * nothing is left, or when the caller named its provider). Later candidates are placed only when a
 * failover reaches them, as the fleet stands then.
 */
export async function placeCandidates(
  deps: Pick<ToolDeps, "fleet">,
  candidates: readonly Candidate[],
  options: { machine?: string | undefined; strict: boolean; worktree?: { name: string; base?: string; label?: string }; outlive?: boolean },
): Promise<{ placed: Placed[]; skipped: { provider: string; reason: string }[] }> {
  const where = (c: Candidate): string | undefined => options.machine ?? c.machine;
  if (candidates.every((c) => where(c) === undefined)) return { placed: candidates.map((candidate) => ({ candidate })), skipped: [] };
  if (deps.fleet === undefined) {
    if (options.machine !== undefined) throw new ServerError("INVALID_ARGUMENT", NO_FLEET);
    // A routing table that names machines, on a server without the fleet: its local candidates only.
    const local = candidates.filter((c) => c.machine === undefined);
    const skipped = candidates
      .filter((c) => c.machine !== undefined)
      .map((c) => ({ provider: c.provider, reason: `${c.provider} on ${String(c.machine)}: ${NO_FLEET}` }));
    if (local.length === 0) throw new ServerError("INVALID_ARGUMENT", NO_FLEET);
    return { placed: local.map((candidate) => ({ candidate })), skipped };
  }
  const fleet = await deps.fleet();
  const placed: Placed[] = [];
  const skipped: { provider: string; reason: string }[] = [];
  for (const c of candidates) {
    const machine = where(c);
    if (machine === undefined) {
      placed.push({ candidate: c });
      continue;
    }
    const { machine: _m, ...plain } = c;
    const asks = { ...definedFields({ worktree: options.worktree }), ...(options.outlive === true ? { outlive: true } : {}) };
    if (placed.length > 0) {
      placed.push({ candidate: { ...plain, machine }, placement: { machine, driver: fleet.driverAt(machine, c.provider, asks) } });
      continue;
    }
    try {
      const { node, driver } = await fleet.driverOn(machine, c.provider, asks);
      placed.push({ candidate: { ...plain, machine: node }, placement: { machine: node, driver } });
    } catch (error) {
      const reason = errorMessage(error);
      if (options.strict) throw new ServerError("INVALID_ARGUMENT", reason);
      skipped.push({ provider: c.provider, reason });
    }
  }
  if (placed.length === 0) throw new ServerError("INVALID_ARGUMENT", [...new Set(skipped.map((s) => s.reason))].join("; "));
  if (options.worktree === undefined) return { placed, skipped };
  // A worktree is made where the first candidate runs: a failover stays on that side (here, or the fleet).
  const remote = placed[0]?.placement !== undefined;
  const [first, ...rest] = placed;
  const same = rest.filter((p) => (p.placement !== undefined) === remote);
  for (const p of rest.filter((x) => (x.placement !== undefined) !== remote))
    skipped.push({
      provider: p.candidate.provider,
      reason: `its worktree would be on ${remote ? "this machine" : "another machine"} while the first candidate's is not`,
    });
  return { placed: first === undefined ? [] : [first, ...same], skipped };
}
