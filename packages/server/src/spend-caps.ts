// The config's `spend_caps`, held over every server and worker of the user: each finished turn of
// this server's agents is appended to the state folder's spend ledger (with or without caps, so that a
// cap set later and `usage --caps` count it), a launch's candidates are held to the caps read back
// from it, and an agent whose turn reached a cap is parked in budget_exceeded naming it.
import type { Supervisor, TurnReport } from "@subagent-mcp/core";
import type { Candidate, Ranking } from "@subagent-mcp/routing";
import { capReached, capStandings, SpendLedger, withSharedTally, type CapStanding, type SharedSpend } from "@subagent-mcp/usage";
import type { SpendCaps } from "@subagent-mcp/usage/schema";
import { definedFields } from "@subagent-mcp/contract/fields";
import { ServerError } from "./errors.js";

/** Where turns are recorded and the caps held to them (config `spend_caps`). */
export interface SpendSettings {
  /** The state folder's spend ledger (stateLayout's `spend`). */
  ledger: string;
  caps?: SpendCaps;
  /** On a fleet, the other machines' turns (through its Redis): counted with the ledger's, and this server's added to them. */
  shared?: SharedSpend;
}

// The watch of each supervisor a server made: a launch finds it through the supervisor it routes with.
const watches = new WeakMap<Supervisor, SpendCapsWatch>();

/** Starts recording `supervisor`'s turns in the spend ledger and holding its launches to the caps (nothing without settings). */
export function watchSpend(settings: SpendSettings | undefined, supervisor: Supervisor): void {
  if (settings !== undefined && !watches.has(supervisor)) watches.set(supervisor, new SpendCapsWatch(supervisor, settings));
}

/** The spend watch of `supervisor`, when its server records spending. */
export function spendWatch(supervisor: Supervisor): SpendCapsWatch | undefined {
  return watches.get(supervisor);
}

/** This server's side of the shared spend ledger. */
export class SpendCapsWatch {
  readonly #ledger: SpendLedger;

  constructor(
    private readonly supervisor: Supervisor,
    private readonly settings: SpendSettings,
  ) {
    this.#ledger = new SpendLedger(settings.ledger);
    supervisor.onTurn((report) => {
      this.#record(report);
    });
  }

  /** Where each cap stands now (a stat of the ledger, a read of what was appended since, and a sum of a week of day tallies). */
  standings(): CapStanding[] {
    const caps = this.settings.caps;
    return caps === undefined ? [] : capStandings(caps, withSharedTally(this.#ledger.tallies(), this.settings.shared));
  }

  /** Resolves once the other machines' turns from before this server started are read in (bounded; at once without a fleet). */
  async ready(): Promise<void> {
    if (this.settings.caps !== undefined) await this.settings.shared?.ready();
  }

  /** The cap a launch on `candidate` cannot run under, named; undefined when it has room. */
  overCap(candidate: Candidate, expectedUsd: number | undefined): string | undefined {
    if (this.settings.caps === undefined) return undefined;
    return capReached(this.standings(), candidate, expectedUsd);
  }

  #record(report: TurnReport): void {
    let view;
    try {
      view = this.supervisor.get(report.agentId);
    } catch {
      return; // freed meanwhile
    }
    const cost = report.costUsd ?? this.supervisor.options.costOf?.(view.provider, view.model, report.usage);
    const entry = { at: new Date().toISOString(), provider: view.provider, ...definedFields({ model: view.model, cost_usd: cost }), agent: view.id };
    this.#ledger.append(entry);
    this.settings.shared?.record(entry);
    let reached: string | undefined;
    try {
      reached = this.overCap({ provider: view.provider, ...definedFields({ model: view.model }) }, undefined);
    } catch (error) {
      // A ledger refused (another user can write it): said here, and the next launch is refused naming it.
      process.stderr.write(`subagent-mcp: ${String(error)}\n`);
      return;
    }
    // Its turn just ended: parked by the budget check that follows the turn's end, as its own budget would.
    if (reached !== undefined) this.supervisor.stopAtBudget(view.id, reached, true);
  }
}

/** Throws BUDGET_EXCEEDED naming the cap when a spend cap holds `who` (a resume: its provider is its conversation's, nowhere else to route it). */
export function refuseOverCap(supervisor: Supervisor, who: { provider: string; model?: string | undefined }): void {
  const reason = spendWatch(supervisor)?.overCap(who, undefined);
  if (reason !== undefined) throw new ServerError("BUDGET_EXCEEDED", reason);
}

/**
 * The ranking less the candidates a cap holds (rule `over_cap`, never tried even as a last resort);
 * a launch that keeps none, or whose named provider a cap holds, is refused naming the cap.
 */
export function holdToCaps(
  watch: SpendCapsWatch | undefined,
  ranking: Ranking,
  asked: string | undefined,
  expected: (c: Candidate) => number | undefined,
): Ranking {
  if (watch === undefined) return ranking;
  const held: Ranking["skipped"] = [];
  const ranked = ranking.ranked.filter((r) => {
    const reason = watch.overCap(r.candidate, expected(r.candidate));
    if (reason !== undefined) held.push({ provider: r.candidate.provider, ...definedFields({ model: r.candidate.model }), rule: "over_cap", reason });
    return reason === undefined;
  });
  if (held.length === 0) return ranking;
  const named = asked === undefined ? undefined : held.find((h) => h.provider === asked);
  if (named !== undefined || ranked.length === 0) throw new ServerError("BUDGET_EXCEEDED", named?.reason ?? [...new Set(held.map((h) => h.reason))].join("; "));
  return { ranked, skipped: [...ranking.skipped, ...held] };
}
