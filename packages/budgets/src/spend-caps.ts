// The config's `spend_caps`, held over every server and worker of the user: each finished turn of
// this server's agents is appended to the state folder's spend ledger (with or without caps, so that a
// cap set later and `usage --caps` count it), a launch's candidates are held to the caps read back
// from it, each turn that starts under a cap is reserved in it until its line replaces it (a launch,
// a follow-up, a pool task, a resume, an escalation), and an agent whose turn reached a cap is parked
// in budget_exceeded naming it.
import { isRunning, type AgentChange, type Supervisor, type TurnReport } from "@subagent-mcp/core";
import { isCodedError } from "@subagent-mcp/errors";
import type { Candidate, Ranking } from "@subagent-mcp/routing";
import { capReached, capStandings, reserveTurn, SpendLedger, withSharedTally, type CapStanding, type SharedSpend } from "@subagent-mcp/usage";
import type { SpendCaps } from "@subagent-mcp/usage/schema";
import { definedFields } from "@subagent-mcp/contract/fields";
import { BudgetError } from "./errors.js";

/** Where turns are recorded and the caps held to them (config `spend_caps`). */
export interface SpendSettings {
  /** The state folder's spend ledger (stateLayout's `spend`). */
  ledger: string;
  caps?: SpendCaps;
  /** On a fleet, the other machines' turns (through its Redis): counted with the ledger's, and this server's added to them. */
  shared?: SharedSpend;
}

/** A turn reserved under the caps until it ends: its ledger line replaces it, or `release` gives it back (a no-op once replaced). */
export interface ReservedTurn {
  /** The agent whose next turn report replaces it. */
  for(agentId: string): void;
  release(): void;
}

/** This server's side of the shared spend ledger. */
export class SpendCapsWatch {
  readonly #ledger: SpendLedger;
  // Each agent's reserved turns, oldest first: the agent's next turn report replaces the first.
  readonly #bound = new Map<string, string[]>();
  // Reservations neither replaced by their turn's line nor given back yet.
  readonly #open = new Set<string>();
  // An escalation a cap refused: stopped once its turn is under way.
  readonly #stopOnStart = new Map<string, string>();

  constructor(
    private readonly supervisor: Supervisor,
    private readonly settings: SpendSettings,
  ) {
    this.#ledger = new SpendLedger(settings.ledger);
    supervisor.onTurn((report) => {
      this.#record(report);
    });
    if (settings.caps === undefined) return;
    // An agent that ended with turns reserved never ran them.
    supervisor.onEnd((view) => {
      this.releaseFor(view.id);
    });
    supervisor.onChange((change) => {
      this.#escalation(change);
    });
  }

  /** Where each cap stands now (a stat of the ledger, a read of what was appended since, and a sum of a week of day tallies), turns under way counted. */
  standings(): CapStanding[] {
    const caps = this.settings.caps;
    if (caps === undefined) return [];
    return capStandings(caps, withSharedTally(this.#ledger.tallies(), this.settings.shared), Date.now(), this.#ledger.reservations());
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

  /**
   * Reserves a turn of `who` (see usage's reserveTurn), for `agentId` when known; throws
   * BUDGET_EXCEEDED naming the cap that holds it. Undefined when no cap covers it.
   */
  reserve(who: { provider: string; model?: string | undefined }, expectedUsd?: number, agentId?: string): ReservedTurn | undefined {
    const caps = this.settings.caps;
    if (caps === undefined) return undefined;
    const reserved = reserveTurn(this.#ledger, caps, { ...who, expectedUsd }, this.settings.shared);
    if ("refused" in reserved) throw new BudgetError("BUDGET_EXCEEDED", reserved.refused);
    const { id } = reserved;
    if (id === undefined) return undefined;
    this.#open.add(id);
    let agent: string | undefined;
    const turn: ReservedTurn = {
      for: (to) => {
        agent = to;
        this.#bound.set(to, [...(this.#bound.get(to) ?? []), id]);
      },
      release: () => {
        // Already replaced by its turn's line, or given back at its agent's end.
        if (!this.#open.delete(id)) return;
        if (agent !== undefined)
          this.#bound.set(
            agent,
            (this.#bound.get(agent) ?? []).filter((q) => q !== id),
          );
        this.#ledger.release(id);
      },
    };
    if (agentId !== undefined) turn.for(agentId);
    return turn;
  }

  /** Gives back every turn reserved for `agentId` and not yet run (its launch failed, or it ended). */
  releaseFor(agentId: string): void {
    this.#stopOnStart.delete(agentId);
    for (const id of this.#bound.get(agentId) ?? []) if (this.#open.delete(id)) this.#ledger.release(id);
    this.#bound.delete(agentId);
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
    const queue = this.#bound.get(view.id);
    const reservation = queue?.shift();
    if (queue?.length === 0) this.#bound.delete(view.id);
    if (reservation !== undefined) this.#open.delete(reservation);
    this.#ledger.append(entry, reservation);
    this.settings.shared?.record(entry);
    // An escalated turn's successor is reserved with its attempt (see #escalation).
    if (this.settings.caps === undefined || report.superseded !== undefined) return;
    const who = { provider: view.provider, ...definedFields({ model: view.model }) };
    let reached: string | undefined;
    try {
      // A follow-up held behind it starts a turn now: reserved, or the agent parks.
      if (isRunning(report.status)) this.reserve(who, undefined, view.id);
      else reached = this.overCap(who, undefined);
    } catch (error) {
      if (!isCodedError(error)) throw error;
      // A ledger refused (another user can write it) is said here, and the next launch is refused naming it.
      if (error.code !== "BUDGET_EXCEEDED") process.stderr.write(`subagent-mcp: ${error.message}\n`);
      else reached = error.message;
    }
    // Its turn just ended: parked by the budget check that follows the turn's end, as its own budget would.
    if (reached !== undefined) this.supervisor.stopAtBudget(view.id, reached, true);
  }

  // An escalation hands the task to a stronger candidate: its turn is reserved, or stopped as soon as it runs.
  #escalation(change: AgentChange): void {
    if (change.type === "attempt" && change.attempt.kind === "escalation") {
      try {
        this.reserve(change.next, undefined, change.agentId);
      } catch (error) {
        if (!isCodedError(error)) throw error;
        this.#stopOnStart.set(change.agentId, error.message);
      }
    }
    // Its session's start (the first event of the stronger candidate's process): stopped there.
    const note = change.type === "event" && change.event.type === "started" ? this.#stopOnStart.get(change.agentId) : undefined;
    if (note === undefined) return;
    this.#stopOnStart.delete(change.agentId);
    this.supervisor.stopAtBudget(change.agentId, note);
  }
}

/**
 * The index of the first of a launch's placed candidates a turn of `agentId` can be reserved on (a
 * launch racing this one may have taken the room holdToCaps saw). The launch is refused naming the
 * caps when none has room, or when the provider it named does not (as holdToCaps refuses it).
 */
export function reservePlaced(
  watch: SpendCapsWatch | undefined,
  placed: readonly { candidate: Candidate }[],
  asked: string | undefined,
  expected: (c: Candidate) => number | undefined,
  agentId: string,
): number {
  if (watch === undefined || placed.length === 0) return 0;
  const refused: string[] = [];
  for (const [index, { candidate }] of placed.entries()) {
    try {
      watch.reserve(candidate, expected(candidate), agentId);
      return index;
    } catch (error) {
      if (!isCodedError(error) || error.code !== "BUDGET_EXCEEDED") throw error;
      if (candidate.provider === asked) throw error;
      refused.push(error.message);
    }
  }
  throw new BudgetError("BUDGET_EXCEEDED", [...new Set(refused)].join("; "));
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
  if (named !== undefined || ranked.length === 0) throw new BudgetError("BUDGET_EXCEEDED", named?.reason ?? [...new Set(held.map((h) => h.reason))].join("; "));
  return { ranked, skipped: [...ranking.skipped, ...held] };
}
