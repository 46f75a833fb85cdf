import { standing, type Budget, type Spent, type Supervisor, type TurnReport } from "@subagent-mcp/core";
import { BudgetError } from "./errors.js";
import { leftOf, sumSpent, tighter, zeroSpent } from "./tree-budget.js";
import { turnSpent } from "./turn-spent.js";

/** Budgets over many agents: this server's (one host session) and this project's per UTC day. */
export interface SharedBudgetSettings {
  session?: Budget;
  daily?: Budget;
  /**
   * What the sub-agent this server runs under had left when it started (SUBAGENT_MCP_BUDGET_LEFT,
   * passed on by a worker or a fleet node's launch), a session budget that no config raises.
   */
  inherited?: Budget;
}

const day = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * What this server's agents (pool replicas included) spent, turn by turn, against the session
 * budget, and with the journal's earlier spending of the day against the daily one. Reaching either
 * refuses new launches; agents already running go on under their own budgets.
 */
export class SharedBudgets {
  readonly #session = zeroSpent();
  /** Spent today by this server's agents, and by everyone before it (read once a day from the journal). */
  #today: { day: string; ours: Spent; before: Spent | undefined } = { day: day(new Date()), ours: zeroSpent(), before: undefined };
  #unknownCostTurns = 0;

  constructor(
    private readonly supervisor: Supervisor,
    private readonly settings: SharedBudgetSettings,
    /** What the project spent since the start of `since`'s day, from the journals (agents of every server). */
    private readonly spentBefore: (since: Date) => Spent,
  ) {
    supervisor.onTurn((report) => {
      this.#add(report);
    });
  }

  /** What this server's agents may still spend: the session budget and the inherited one, each less what was spent; undefined when neither is set. */
  left(): Budget | undefined {
    return tighter(leftOf(this.settings.session, this.#session), this.inheritedLeft());
  }

  /** What is left of the inherited budget alone, which also bounds each agent this server starts. */
  inheritedLeft(): Budget | undefined {
    return leftOf(this.settings.inherited, this.#session);
  }

  /** Rejects with BUDGET_EXCEEDED naming the budget, what was spent and how to raise it, when a launch must not start. */
  check(): Promise<void> {
    const refusal = this.#refusal();
    return refusal === undefined ? Promise.resolve() : Promise.reject(refusal);
  }

  /** The first of these budgets that is spent, named with its numbers; undefined while all have some left. */
  exceeded(): string | undefined {
    const inherited = standing(this.settings.inherited, this.#session).exceeded;
    if (inherited !== undefined) return `the inherited budget: ${inherited}`;
    const session = standing(this.settings.session, this.#session).exceeded;
    if (session !== undefined) return `the session budget: ${session}`;
    const daily = this.settings.daily === undefined ? undefined : standing(this.settings.daily, this.#todaySpent()).exceeded;
    return daily === undefined ? undefined : `the daily budget: ${daily}`;
  }

  /** The least USD any shared budget has left (session, inherited, the project's day); undefined when none limits cost. */
  costLeftUsd(): number | undefined {
    const daily = this.settings.daily?.max_cost_usd === undefined ? undefined : leftOf(this.settings.daily, this.#todaySpent());
    return tighter(this.left(), daily)?.max_cost_usd;
  }

  /** Spent so far: by this server's agents, and by the project today. */
  spent(): { session: Spent; today: Spent; unknownCostTurns: number } {
    return { session: { ...this.#session }, today: this.#todaySpent(), unknownCostTurns: this.#unknownCostTurns };
  }

  #refusal(): BudgetError | undefined {
    const inherited = standing(this.settings.inherited, this.#session).exceeded;
    if (inherited !== undefined)
      return new BudgetError(
        "BUDGET_EXCEEDED",
        `the budget this server inherited from the sub-agent it runs under is spent (${inherited}) by this server's agents and those under them; no new agent starts here. Do the rest of the work yourself, or ask whoever started you for more.`,
      );
    const session = standing(this.settings.session, this.#session).exceeded;
    if (session !== undefined)
      return new BudgetError(
        "BUDGET_EXCEEDED",
        `the session budget is spent (${session}) by this server's agents and those under them; no new agent starts. Raise budgets.session in your config (it applies to the next session), or go on with the running agents.`,
      );
    if (this.settings.daily === undefined) return undefined;
    const daily = standing(this.settings.daily, this.#todaySpent()).exceeded;
    if (daily === undefined) return undefined;
    return new BudgetError(
      "BUDGET_EXCEEDED",
      `the daily budget of this project is spent (${daily}, since 00:00 UTC, every server's agents); no new agent starts today. Raise budgets.daily in your config to go on.`,
    );
  }

  #todaySpent(): Spent {
    const now = new Date();
    if (this.#today.day !== day(now)) this.#today = { day: day(now), ours: zeroSpent(), before: undefined };
    // The journal's figure is read once a day, before any turn of ours is added, so nothing counts twice.
    this.#today.before ??= this.spentBefore(new Date(`${this.#today.day}T00:00:00.000Z`));
    return sumSpent(this.#today.before, this.#today.ours);
  }

  #add(report: TurnReport): void {
    const { known, ...turn } = turnSpent(this.supervisor, report);
    if (!known) this.#unknownCostTurns += 1;
    // Make sure the day's baseline exists before our turn is added to it.
    if (this.settings.daily !== undefined) this.#todaySpent();
    Object.assign(this.#session, sumSpent(this.#session, turn));
    this.#today.ours = sumSpent(this.#today.ours, turn);
  }
}
