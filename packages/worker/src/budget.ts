import { budgetTokens, standing, type Budget, type CostOf } from "@subagent-mcp/core";
import { readBudgetFile, untilReady, writeStatus, type WorkerSpent, type WorkerStatus } from "./budget-files.js";
import { errorMessage } from "@subagent-mcp/errors";
import type { Provider, TurnLog } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

/** The `subagent-mcp worker budget` flag that raises each limit. */
const RAISE_FLAGS = { max_cost_usd: "--usd", max_tokens: "--tokens", max_turns: "--turns", max_seconds: "--seconds" } as const;

/** The raise flag for a limit, from a standing's text ("max_turns 1 turns: ..."): --turns for one it cannot tell. */
export function raiseFlag(said: string): string {
  const flags: Record<string, string | undefined> = RAISE_FLAGS;
  return flags[said.split(" ")[0] ?? ""] ?? "--turns";
}

/** What an old log line that does not say so ran on. */
interface TurnDefaults {
  provider: Provider;
  model?: string | undefined;
}

/** What one logged turn spent: the CLI's cost when it reported one, else `costOf`'s (unknown: 0). */
function turnSpent(turn: TurnLog, costOf: CostOf | undefined, defaults: TurnDefaults): WorkerSpent {
  const usage = turn.tokens;
  const cost = turn.costUsd ?? (usage === undefined ? 0 : costOf?.(turn.provider ?? defaults.provider, turn.model ?? defaults.model, usage));
  return { costUsd: cost ?? 0, tokens: usage === undefined ? 0 : budgetTokens(usage), turns: 1, seconds: turn.latencyMs / 1000 };
}

/** Pure: the sum of what `turns` spent. */
export function spentFrom(turns: TurnLog[], costOf: CostOf | undefined, defaults: TurnDefaults): WorkerSpent {
  return turns.map((t) => turnSpent(t, costOf, defaults)).reduce(addSpent, { costUsd: 0, tokens: 0, turns: 0, seconds: 0 });
}

function addSpent(a: WorkerSpent, b: WorkerSpent): WorkerSpent {
  return { costUsd: a.costUsd + b.costUsd, tokens: a.tokens + b.tokens, turns: a.turns + b.turns, seconds: a.seconds + b.seconds };
}

/** Pure: the budget that applies: `base` (flags, else definition, else config), each limit the file names replacing its own. */
export function effectiveBudget(base: Budget | undefined, file: Budget | undefined): Budget | undefined {
  if (file === undefined) return base;
  // Only the limits: the file's other fields (when it was written) are no budget.
  const limits = Object.fromEntries(Object.entries(file).filter(([key]) => key in RAISE_FLAGS)) as Budget;
  return { ...base, ...limits };
}

/** The stderr line of a worker that stops taking messages: the limit, what was spent, and how to raise it. */
function pauseLine(name: string, reason: string): string {
  return `paused at its budget (${reason}); messages wait in its mailbox until it is raised: subagent-mcp worker budget ${name} ${raiseFlag(reason)} N`;
}

interface WorkerBudgetOptions {
  name: string;
  /** The worker's state dir (budget.json, status.json). */
  dir: string;
  budget?: Budget | undefined;
  costOf?: CostOf | undefined;
  defaults: TurnDefaults;
  /** Its whole life's turns (read from its turn log at start). */
  turns: TurnLog[];
  say?: ((line: string) => void) | undefined;
}

/**
 * A worker's budget over its whole life: its spending (from the turn log, then each new turn), the
 * limits that apply (the budget file read afresh each time), the 80 % warnings (once per limit) and
 * the status file that `subagent-mcp mail` shows.
 */
export class WorkerBudget {
  #spent: WorkerSpent;
  #paused: WorkerStatus["paused"];
  readonly #warned = new Set<string>();
  #fileProblem: string | undefined;

  constructor(readonly options: WorkerBudgetOptions) {
    this.#spent = spentFrom(options.turns, options.costOf, options.defaults);
  }

  get spent(): WorkerSpent {
    return this.#spent;
  }

  /** The limits that apply now. */
  budget(): Budget | undefined {
    let file: Budget | undefined;
    try {
      file = readBudgetFile(this.options.dir);
      this.#fileProblem = undefined;
    } catch (error) {
      // Said once per problem; the limits the worker started with still apply.
      const problem = errorMessage(error);
      if (problem !== this.#fileProblem) this.options.say?.(`warning: ignoring the budget file: ${problem}`);
      this.#fileProblem = problem;
    }
    return effectiveBudget(this.options.budget, file);
  }

  /** Adds a finished turn. */
  record(turn: TurnLog): void {
    this.#spent = addSpent(this.#spent, turnSpent(turn, this.options.costOf, this.options.defaults));
  }

  /** The limit reached, if any; says each limit once when it passes 80 %. */
  reached(): string | undefined {
    const budget = this.budget();
    const { warnings, exceeded } = standing(budget, this.#spent);
    for (const warning of warnings) {
      const key = warning.split(":")[0] ?? warning;
      if (this.#warned.has(key)) continue;
      this.#warned.add(key);
      this.options.say?.(`budget warning: ${warning}; raise it with subagent-mcp worker budget ${this.options.name} ${raiseFlag(warning)} N`);
    }
    return exceeded;
  }

  /** Marks the worker paused (once per reason: one stderr line) or running again. */
  pause(reason: string | undefined): void {
    if (reason === undefined) {
      if (this.#paused !== undefined) this.options.say?.("budget raised: taking messages again");
      this.#paused = undefined;
    } else if (this.#paused?.reason !== reason) {
      this.#paused = { reason, at: new Date().toISOString() };
      this.options.say?.(pauseLine(this.options.name, reason));
    }
    this.save();
  }

  /**
   * At its budget: says so, marks it paused and (with `wait`) waits for a raise (the budget file's
   * events) or `signal`. Returns whether it was at its budget; below it, marks it running.
   */
  async hold(signal: AbortSignal, wait: boolean, fallbackMs?: number): Promise<boolean> {
    const reason = this.reached();
    this.pause(reason);
    if (reason === undefined) return false;
    if (wait) {
      const onWatchError = (why: string): void => this.options.say?.(`warning: cannot watch the budget file: ${why}`);
      await untilReady(this.options.dir, () => this.reached() === undefined, signal, fallbackMs, onWatchError);
    }
    return true;
  }

  get paused(): WorkerStatus["paused"] {
    return this.#paused;
  }

  /** Writes status.json (a failure is said, never fatal: the budget still applies). */
  save(): void {
    const budget = this.budget();
    try {
      writeStatus(this.options.dir, {
        pid: process.pid,
        at: new Date().toISOString(),
        ...definedFields({ budget }),
        spent: this.#spent,
        ...definedFields({ paused: this.#paused }),
      });
    } catch (error) {
      this.options.say?.(`warning: cannot write the worker's status: ${errorMessage(error)}`);
    }
  }
}
