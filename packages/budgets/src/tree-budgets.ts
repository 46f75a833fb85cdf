import { standing, type Budget, type Spent, type Supervisor, type TurnReport } from "@subagent-mcp/core";
import { leftOf, sumSpent, tighter, zeroSpent } from "./tree-budget.js";
import { turnSpent } from "./turn-spent.js";

/** Who started whom, as the one server of a tree knows it (an agent launched through another agent's tools is its child). */
export interface AgentLineage {
  parentOf(id: string): string | undefined;
  /** Every agent under `id` (its children, theirs, ...). */
  descendants(id: string): string[];
}

/**
 * A launch's budget covers its whole tree: the agents it starts through its own tools, and theirs.
 * Each turn counts against its agent's own budget (the supervisor's) and, here, against every
 * ancestor's; an ancestor whose tree spent its budget has every agent under it stopped at that
 * budget, and no launch under it starts. All in one process: no agent's tree reports from elsewhere.
 */
export class TreeBudgets {
  /** What the agents under each agent spent (its own turns are the supervisor's). */
  readonly #below = new Map<string, Spent>();

  constructor(
    private readonly supervisor: Supervisor,
    private readonly lineage: AgentLineage,
    /** The server's own budgets (session, inherited, the day's) spent, named: the agents started by agents then stop too. */
    private readonly shared: () => string | undefined = () => undefined,
  ) {
    supervisor.onTurn((report) => {
      this.#count(report);
    });
  }

  /** What agent `id`'s tree may still spend, within every ancestor's tree left; undefined when none of them has a budget. */
  left(id: string): Budget | undefined {
    let out: Budget | undefined;
    for (const at of this.#chain(id)) {
      const own = this.#own(at);
      if (own !== undefined) out = tighter(out, leftOf(own.limits, own.spent));
    }
    return out;
  }

  /** The first budget spent on the way up from `id` (its own tree's, then its ancestors'), named; undefined while all have some left. */
  exceeded(id: string): string | undefined {
    for (const at of this.#chain(id)) {
      const own = this.#own(at);
      const spent = own === undefined ? undefined : standing(own.limits, own.spent).exceeded;
      if (spent !== undefined) return `agent ${at}'s budget, over its tree: ${spent}`;
    }
    return undefined;
  }

  /** Warnings from 80 % of each budget on the way up from `id`, with their numbers. */
  warnings(id: string): string[] {
    return this.#chain(id).flatMap((at) => {
      const own = this.#own(at);
      return own === undefined ? [] : standing(own.limits, own.spent).warnings.map((w) => `agent ${at}'s budget, over its tree: ${w}`);
    });
  }

  // `id` and its ancestors, nearest first.
  #chain(id: string): string[] {
    const out: string[] = [];
    for (let at: string | undefined = id; at !== undefined && !out.includes(at); at = this.lineage.parentOf(at)) out.push(at);
    return out;
  }

  // An agent's budget with what it and the agents under it spent (none: no budget, or freed).
  #own(id: string): { limits: Budget; spent: Spent } | undefined {
    let budget;
    try {
      budget = this.supervisor.get(id).budget;
    } catch {
      return undefined;
    }
    return budget === undefined ? undefined : { limits: budget.limits, spent: sumSpent(budget.spent, this.#below.get(id) ?? zeroSpent()) };
  }

  #count(report: TurnReport): void {
    const turn = turnSpent(this.supervisor, report);
    for (const at of this.#chain(report.agentId).slice(1)) {
      this.#below.set(at, sumSpent(this.#below.get(at) ?? zeroSpent(), turn));
      const own = this.#own(at);
      const spent = own === undefined ? undefined : standing(own.limits, own.spent).exceeded;
      if (spent === undefined) continue;
      // Its tree is spent: what runs under it stops as an agent's own budget stops it.
      for (const under of this.lineage.descendants(at)) this.#stop(under, `of the agent tree of ${at}: ${spent}`, report);
    }
    // The server's budgets hold over every agent's tree: the orchestrator's own agents go on (no new
    // one starts), those that agents started stop, as a budget they inherited stops them.
    const shared = this.shared();
    if (shared === undefined) return;
    for (const view of this.supervisor.list()) if (this.lineage.parentOf(view.id) !== undefined) this.#stop(view.id, `of this session: ${shared}`, report);
  }

  // The agent whose turn just ended is parked as well (it is not running any more).
  #stop(id: string, note: string, report: TurnReport): void {
    this.supervisor.stopAtBudget(id, note, id === report.agentId);
  }
}
