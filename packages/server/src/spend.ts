import { budgetTokens, standing, type Budget, type Spent, type Supervisor, type TurnReport } from "@subagent-mcp/core";
import { ServerError } from "./errors.js";
import { leftOf, tighter } from "./tree-budget.js";

/** Budgets over many agents: this server's (one host session) and this project's per UTC day. */
export interface SharedBudgetSettings {
  session?: Budget;
  daily?: Budget;
  /**
   * A nested server's: what the sub-agent it runs under had left when it started
   * (SUBAGENT_MCP_BUDGET_LEFT), a session budget that no config raises.
   */
  inherited?: Budget;
}

const zero = (): Spent => ({ costUsd: 0, tokens: 0, turns: 0, seconds: 0 });

const day = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * What this server's agents (pool replicas included) spent, turn by turn, against the session
 * budget, and with the journal's earlier spending of the day against the daily one. Reaching either
 * refuses new launches; agents already running go on under their own budgets.
 */
export class SharedBudgets {
  readonly #session = zero();
  /** Spent today by this server's agents, and by everyone before it (read once a day from the journal). */
  #today: { day: string; ours: Spent; before: Spent | undefined } = { day: day(new Date()), ours: zero(), before: undefined };
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

  /** What is left of the inherited budget alone (a nested server's), which also bounds each agent it starts. */
  inheritedLeft(): Budget | undefined {
    return leftOf(this.settings.inherited, this.#session);
  }

  /** Throws BUDGET_EXCEEDED naming the budget, what was spent and how to raise it, when a launch must not start. */
  check(): void {
    const inherited = standing(this.settings.inherited, this.#session).exceeded;
    if (inherited !== undefined)
      throw new ServerError(
        "BUDGET_EXCEEDED",
        `the budget this server inherited from the sub-agent it runs under is spent (${inherited}) by this server's agents; no new agent starts here. Do the rest of the work yourself, or ask whoever started you for more.`,
      );
    const session = standing(this.settings.session, this.#session).exceeded;
    if (session !== undefined)
      throw new ServerError(
        "BUDGET_EXCEEDED",
        `the session budget is spent (${session}) by this server's agents; no new agent starts. Raise budgets.session in your config (it applies to the next session), or go on with the running agents.`,
      );
    if (this.settings.daily === undefined) return;
    const today = this.#todaySpent();
    const daily = standing(this.settings.daily, today).exceeded;
    if (daily !== undefined)
      throw new ServerError(
        "BUDGET_EXCEEDED",
        `the daily budget of this project is spent (${daily}, since 00:00 UTC, every server's agents); no new agent starts today. Raise budgets.daily in your config to go on.`,
      );
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

  #todaySpent(): Spent {
    const now = new Date();
    if (this.#today.day !== day(now)) this.#today = { day: day(now), ours: zero(), before: undefined };
    // The journal's figure is read once a day, before any turn of ours is added, so nothing counts twice.
    this.#today.before ??= this.spentBefore(new Date(`${this.#today.day}T00:00:00.000Z`));
    return sum(this.#today.before, this.#today.ours);
  }

  #add(report: TurnReport): void {
    let cost = report.costUsd;
    if (cost === undefined) {
      try {
        const view = this.supervisor.get(report.agentId);
        cost = this.supervisor.options.costOf?.(view.provider, view.model, report.usage);
      } catch {
        // freed meanwhile: its cost stays unknown
      }
    }
    if (cost === undefined) this.#unknownCostTurns += 1;
    const turn: Spent = { costUsd: cost ?? 0, tokens: budgetTokens(report.usage), turns: 1, seconds: report.durationMs / 1000 };
    // Make sure the day's baseline exists before our turn is added to it.
    if (this.settings.daily !== undefined) this.#todaySpent();
    Object.assign(this.#session, sum(this.#session, turn));
    this.#today.ours = sum(this.#today.ours, turn);
  }
}

function sum(a: Spent, b: Spent): Spent {
  return { costUsd: (a.costUsd ?? 0) + (b.costUsd ?? 0), tokens: a.tokens + b.tokens, turns: a.turns + b.turns, seconds: a.seconds + b.seconds };
}
