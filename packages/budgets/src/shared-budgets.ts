import { isRunning, standing, type Budget, type Spent, type Supervisor, type TurnReport } from "@subagent-mcp/core";
import { BudgetError } from "./errors.js";
import { leftOf, tighter } from "./tree-budget.js";
import { TreeLink } from "./tree-link.js";
import { turnSpent } from "./turn-spent.js";
import { limitsOrNone, sumSpent, type TreeAnswer } from "./tree-wire.js";
import { definedFields } from "@subagent-mcp/contract/fields";

/** Budgets over many agents: this server's (one host session) and this project's per UTC day. */
export interface SharedBudgetSettings {
  session?: Budget;
  daily?: Budget;
  /**
   * A nested server's: what the sub-agent it runs under had left when it started
   * (SUBAGENT_MCP_BUDGET_LEFT), a session budget that no config raises.
   */
  inherited?: Budget;
  /**
   * A nested server's line to the server above (SUBAGENT_MCP_TREE_BUDGET_URL): the inherited
   * budget is then shared live with the rest of the tree, `inherited` only where it cannot be reached.
   */
  treeUrl?: string;
}

/** How often a nested server with a turn under way asks the tree above what is left. */
const TREE_POLL_MS = 1000;

const zero = (): Spent => ({ costUsd: 0, tokens: 0, turns: 0, seconds: 0 });

const day = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * What this server's agents (pool replicas included) spent, turn by turn, against the session
 * budget, and with the journal's earlier spending of the day against the daily one. Reaching either
 * refuses new launches; agents already running go on under their own budgets.
 */
export class SharedBudgets {
  readonly #session = zero();
  /** What the servers under our agents reported they spent (their agents', and those under them). */
  #below = zero();
  readonly #link: TreeLink | undefined;
  /** Spent today by this server's agents, and by everyone before it (read once a day from the journal). */
  #today: { day: string; ours: Spent; before: Spent | undefined } = { day: day(new Date()), ours: zero(), before: undefined };
  #unknownCostTurns = 0;

  constructor(
    private readonly supervisor: Supervisor,
    private readonly settings: SharedBudgetSettings,
    /** What the project spent since the start of `since`'s day, from the journals (agents of every server). */
    private readonly spentBefore: (since: Date) => Spent,
  ) {
    this.#link = settings.inherited === undefined || settings.treeUrl === undefined ? undefined : new TreeLink(settings.treeUrl);
    // While a turn runs here, the rest of the tree may spend what is left: asked every so often, so that it stops then.
    if (this.#link !== undefined)
      setInterval(() => {
        if (supervisor.list().some((view) => isRunning(view.status))) void this.refresh();
      }, TREE_POLL_MS).unref();
    supervisor.onTurn((report) => {
      this.#add(report);
    });
  }

  /** What this server's agents may still spend: the session budget and the inherited one, each less what was spent; undefined when neither is set. */
  left(): Budget | undefined {
    return tighter(leftOf(this.settings.session, this.#tree()), this.inheritedLeft());
  }

  /** What is left of the inherited budget alone (a nested server's, live from the tree when it answered), which also bounds each agent it starts. */
  inheritedLeft(): Budget | undefined {
    return tighter(leftOf(this.settings.inherited, this.#tree()), limitsOrNone(this.#link?.last()?.left));
  }

  /** Counts what a server under one of our agents spent, and passes it up the tree; resolves once the tree above answered (or could not). */
  async addBelow(spent: Spent): Promise<void> {
    if (this.settings.daily !== undefined) this.#todaySpent();
    this.#below = sumSpent(this.#below, spent);
    this.#today.ours = sumSpent(this.#today.ours, spent);
    if (this.#link !== undefined) this.#heed(await this.#link.exchange(spent));
  }

  /** Asks the tree above what is left (a nested server's; nothing to ask otherwise). */
  async refresh(): Promise<void> {
    if (this.#link !== undefined) this.#heed(await this.#link.exchange());
  }

  /** What a sub-agent's tree is told: what these budgets leave, the first one spent and warnings from 80 %, with their numbers. */
  treeStanding(): TreeAnswer {
    const tree = this.#tree();
    const live = this.#link?.last();
    const daily = this.settings.daily === undefined ? undefined : standing(this.settings.daily, this.#todaySpent());
    const parts = [standing(this.settings.session, tree), live ?? standing(this.settings.inherited, tree), ...(daily === undefined ? [] : [daily])];
    const exceeded = parts.map((p) => p.exceeded).find((x) => x !== undefined);
    const left = tighter(this.left(), this.settings.daily === undefined ? undefined : leftOf(this.settings.daily, this.#todaySpent()));
    return { left: limitsOrNone(left) ?? {}, ...definedFields({ exceeded }), warnings: parts.flatMap((p) => p.warnings) };
  }

  /** A nested server's: the tree above's warnings (from 80 %, with their numbers) when it last answered. */
  treeWarnings(): string[] {
    return this.#link?.last()?.warnings ?? [];
  }

  /** Throws BUDGET_EXCEEDED naming the budget, what was spent and how to raise it, when a launch must not start (a nested server asks the tree above first). */
  async check(): Promise<void> {
    await this.refresh();
    const live = this.#link?.last()?.exceeded;
    if (live !== undefined)
      throw new BudgetError(
        "BUDGET_EXCEEDED",
        `the budget of the agent tree this server runs in is spent (${live}), counting every server's agents in it; no new agent starts here. Do the rest of the work yourself, or ask whoever started you for more.`,
      );
    const inherited = standing(this.settings.inherited, this.#tree()).exceeded;
    if (inherited !== undefined)
      throw new BudgetError(
        "BUDGET_EXCEEDED",
        `the budget this server inherited from the sub-agent it runs under is spent (${inherited}) by this server's agents and those under them; no new agent starts here. Do the rest of the work yourself, or ask whoever started you for more.`,
      );
    const session = standing(this.settings.session, this.#tree()).exceeded;
    if (session !== undefined)
      throw new BudgetError(
        "BUDGET_EXCEEDED",
        `the session budget is spent (${session}) by this server's agents and those under them; no new agent starts. Raise budgets.session in your config (it applies to the next session), or go on with the running agents.`,
      );
    if (this.settings.daily === undefined) return;
    const today = this.#todaySpent();
    const daily = standing(this.settings.daily, today).exceeded;
    if (daily !== undefined)
      throw new BudgetError(
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

  // Ours and what the servers under our agents reported.
  #tree(): Spent {
    return sumSpent(this.#session, this.#below);
  }

  // The tree above says its budget is spent: our running turns stop as an agent's own budget stops them.
  #heed(answer: TreeAnswer | undefined): void {
    if (answer?.exceeded === undefined) return;
    for (const view of this.supervisor.list()) this.supervisor.stopAtBudget(view.id, `of the agent tree: ${answer.exceeded}`);
  }

  #todaySpent(): Spent {
    const now = new Date();
    if (this.#today.day !== day(now)) this.#today = { day: day(now), ours: zero(), before: undefined };
    // The journal's figure is read once a day, before any turn of ours is added, so nothing counts twice.
    this.#today.before ??= this.spentBefore(new Date(`${this.#today.day}T00:00:00.000Z`));
    return sum(this.#today.before, this.#today.ours);
  }

  #add(report: TurnReport): void {
    const { known, ...turn } = turnSpent(this.supervisor, report);
    if (!known) this.#unknownCostTurns += 1;
    // Make sure the day's baseline exists before our turn is added to it.
    if (this.settings.daily !== undefined) this.#todaySpent();
    Object.assign(this.#session, sum(this.#session, turn));
    this.#today.ours = sum(this.#today.ours, turn);
    // Told as it happens: the tree above counts it against the budget it shares with our siblings.
    if (this.#link !== undefined)
      void this.#link.exchange(turn).then((answer) => {
        this.#heed(answer);
      });
  }
}

function sum(a: Spent, b: Spent): Spent {
  return { costUsd: (a.costUsd ?? 0) + (b.costUsd ?? 0), tokens: a.tokens + b.tokens, turns: a.turns + b.turns, seconds: a.seconds + b.seconds };
}
