// One agent's worktree from its making to its end, the same steps wherever its agent runs (the
// server's launches and pool replicas, a fleet node's launches).
import { errorMessage } from "@subagent-mcp/errors";
import { adoptWorktree } from "./adopt.js";
import { agentCwd, checkoutWorktree, discardPlanned, planWorktree, type CreateWorktreeOptions } from "./create.js";
import { markReady } from "./ignored-work.js";
import { copyIncluded } from "./include.js";
import type { WorktreeRecord } from "./record.js";
import { releaseWorktree } from "./release.js";
import { runSetup, type CommandWrapper } from "./setup.js";
import { snapshotAndReset } from "./snapshot.js";
import { worktreeStatus, type WorktreeStatus } from "./status.js";

/** Where worktrees are made, and the command that readies each one. */
export interface WorktreeSettings {
  /** subagent-mcp's state dir (this machine's): worktrees go under its `worktrees/`, outside every user's checkout. */
  stateDir: string;
  /** A shell command run at the root of each new worktree before its agent's first turn (config `worktree.setup`). */
  setup?: string;
  setupTimeoutMs?: number;
  /** Where the setup command runs: the agents' OS sandbox (`@subagent-mcp/sandbox`'s `Sandbox`), so it sees no more than they do. */
  sandbox?: CommandWrapper;
}

/** Where a worktree is in its life: active while its agent lives; once the agent ended, removed (no work in it) or kept. */
export type WorktreeState = "active" | "releasing" | "kept" | "removed";

/** What a pool task left behind: the branch that holds it, or why it could not be kept apart. */
export type TaskWork = { branch: string; commit: string; changed_files: number } | { error: string };

/** Which worktree to make: everything {@link CreateWorktreeOptions} says but where it lives. */
export type WorktreeAsk = Omit<CreateWorktreeOptions, "stateDir">;

/**
 * One agent's worktree: planned (repository, base, branch: a few ms), checked out and readied (the
 * `.worktreeinclude` files, the setup command) before its CLI starts, measured when a turn ends
 * (one read at a time), a pool task's work put on a branch of its own between tasks, and released
 * once when its agent is over: removed when it holds no work, kept on its branch otherwise.
 */
export class AgentWorktree {
  state: WorktreeState = "active";
  /** The latest counts read. */
  status: WorktreeStatus | undefined;
  /** Why a release failed (nothing was deleted). */
  error: string | undefined;
  /** Pool tasks settled on it, and where the last one's work went. */
  tasks = 0;
  lastTask: TaskWork | undefined;
  #checkedOut: boolean;
  #preparing: Promise<void> | undefined;
  #reading: Promise<WorktreeStatus | undefined> | undefined;
  #released: Promise<WorktreeStatus | undefined> | undefined;

  private constructor(
    private current: WorktreeRecord,
    checkedOut: boolean,
    // How a planned one is readied.
    private readonly settings: Omit<WorktreeSettings, "stateDir"> = {},
  ) {
    this.#checkedOut = checkedOut;
  }

  /** Planned now, so that a bad cwd or base is the caller's error; its files come with {@link prepare}, readied as `settings` say. */
  static async plan(settings: WorktreeSettings, ask: WorktreeAsk): Promise<AgentWorktree> {
    return new AgentWorktree(await planWorktree({ ...ask, stateDir: settings.stateDir }), false, settings);
  }

  /** One a previous run made (from a journal), taken back as it is. */
  static of(record: WorktreeRecord): AgentWorktree {
    return new AgentWorktree(record, true);
  }

  /** A kept worktree at `path` taken back by a resumed agent (GIT_FAILED when it is gone). */
  static async adopt(path: string, owner: WorktreeRecord["owner"]): Promise<AgentWorktree> {
    return new AgentWorktree(await adoptWorktree(path, owner), true);
  }

  /** What a journal keeps of it. */
  get record(): WorktreeRecord {
    return this.current;
  }

  /** Where its agent works: the worktree's copy of the cwd it was made from. */
  get cwd(): string {
    return agentCwd(this.current);
  }

  /**
   * git's checkout, then the ignored files the repository asks for and the setup command; any of
   * them failing fails the launch. A checkout that fails cleans up after itself (nothing is left).
   */
  prepare(): Promise<void> {
    this.#preparing ??= checkoutWorktree(this.current).then(
      () => {
        this.#checkedOut = true;
        return this.#ready();
      },
      (error: unknown) => {
        this.state = "removed";
        throw error;
      },
    );
    return this.#preparing;
  }

  /** Reads its counts again while its agent lives (one read at a time); undefined when it could not be read. */
  read(): Promise<WorktreeStatus | undefined> {
    if (this.state !== "active" || !this.#checkedOut) return Promise.resolve(undefined);
    this.#reading ??= worktreeStatus(this.current)
      .then((status) => (this.status = status))
      .catch(() => undefined)
      .finally(() => {
        this.#reading = undefined;
      });
    return this.#reading;
  }

  /**
   * Between a pool replica's tasks: the task's changes and commits go to a branch of their own and
   * the worktree goes back to its base, so the next task neither sees nor loses them.
   */
  async snapshot(label: string, task: string): Promise<TaskWork | undefined> {
    this.tasks += 1;
    const subject = task.split("\n", 1)[0]?.slice(0, 72) ?? "";
    const message = `subagent-mcp: task ${this.tasks} of ${label}\n\n${subject}`;
    const work = await snapshotAndReset(this.current, `${this.current.branch}-task-${this.tasks}`, message);
    if (work !== undefined) this.lastTask = work;
    await this.read();
    return work;
  }

  /**
   * Gives it up, once: removed when it holds no work, kept on its branch otherwise; nothing is
   * deleted on an error (it stays for `subagent-mcp worktrees`). Resolves to the counts the release
   * measured (undefined after an error, or when its directory was gone).
   */
  release(): Promise<WorktreeStatus | undefined> {
    this.#released ??= this.#release().catch((error: unknown) => {
      this.state = "kept";
      this.error = errorMessage(error);
      return undefined;
    });
    return this.#released;
  }

  /** Whether a release was started (then {@link release} is the one under way or done). */
  get releasing(): boolean {
    return this.#released !== undefined;
  }

  /** Removes it whatever it holds: a worktree its agent never worked in holds nothing of anyone's. */
  async discard(): Promise<void> {
    await releaseWorktree(this.current, { force: true });
    this.state = "removed";
  }

  async #release(): Promise<WorktreeStatus | undefined> {
    this.state = "releasing";
    // A checkout under way finishes first; one that never started (a queued agent killed) is undone.
    await this.#preparing?.catch(() => undefined);
    await this.#reading;
    if (!this.#checkedOut) {
      await discardPlanned(this.current);
      this.state = "removed";
      return undefined;
    }
    const { removed, status } = await releaseWorktree(this.current);
    this.state = removed ? "removed" : "kept";
    if (status !== undefined) this.status = status;
    return status;
  }

  // Also after a failed setup, what is ignored then is the worktree's own, never counted as the agent's work.
  async #ready(): Promise<void> {
    const { settings } = this;
    try {
      await copyIncluded(this.current);
      if (settings.setup !== undefined)
        await runSetup(this.current, settings.setup, {
          ...(settings.setupTimeoutMs === undefined ? {} : { timeoutMs: settings.setupTimeoutMs }),
          ...(settings.sandbox === undefined ? {} : { sandbox: settings.sandbox }),
        });
    } finally {
      this.current = await markReady(this.current).catch(() => this.current);
    }
  }
}
