import { agentSpan, tracer, type SpanHandle } from "@subagent-mcp/tracing";
import type { Supervisor } from "@subagent-mcp/core";
import {
  adoptWorktree,
  agentCwd,
  checkoutWorktree,
  discardPlanned,
  planWorktree,
  copyIncluded,
  markReady,
  createWorktree,
  releaseWorktree,
  runSetup,
  snapshotAndReset,
  worktreeStatus,
  type WorktreeRecord,
  type WorktreeStatus,
} from "@subagent-mcp/worktrees";
import type { WorktreeOut } from "@subagent-mcp/contract";
import { errorMessage } from "@subagent-mcp/errors";

/** How the server makes worktrees: where they live, and the command that readies each one. */
export interface WorktreeSettings {
  /** subagent-mcp's state dir: worktrees go under its `worktrees/`, outside every user's checkout. */
  stateDir: string;
  /** A shell command run at the root of each new worktree before its agent's first turn (config `worktree.setup`). */
  setup?: string;
  setupTimeoutMs?: number;
}

/** What a pool task left behind: the branch that holds it, or why it could not be kept apart. */
export type TaskWork = { branch: string; commit: string; changed_files: number } | { error: string };

interface Tracked {
  record: WorktreeRecord;
  state: WorktreeOut["state"];
  status: WorktreeStatus | undefined;
  /** The release under way or done once the agent ended. */
  released?: Promise<void>;
  /** The latest status read (at most one at a time). */
  reading?: Promise<void>;
  tasks: number;
  lastTask?: TaskWork;
  /** Why a release failed (nothing was deleted). */
  error?: string;
  /** Whether its files are there: a launch's worktree is checked out in its agent's prepare. */
  checkedOut: boolean;
  /** The checkout and readying under way, if any. */
  preparing?: Promise<void>;
}

/**
 * The worktrees of this server's agents: made on launch (or, for pool replicas, when each replica
 * process starts), their counts cached and read again when a turn ends, released when their agent
 * is over (a clean one is removed with its branch, one holding work is kept and says so).
 */
export class AgentWorktrees {
  readonly #agents = new Map<string, Tracked>();
  readonly #pending = new Set<Promise<unknown>>();

  constructor(
    supervisor: Supervisor,
    private readonly settings: WorktreeSettings,
  ) {
    supervisor.onEnd((view) => {
      this.#release(view.id);
    });
    supervisor.onTurn((report) => {
      void this.#read(report.agentId);
    });
  }

  /**
   * A launch's worktree, planned now (repository, base, branch: a few ms) so that a bad cwd or base
   * is the launch's error; git's checkout, the `.worktreeinclude` files and the setup command run
   * as the agent's `prepare`, before its CLI starts, so that launch_agent returns at once.
   */
  async open(opts: { agentId: string; cwd: string; base?: string; label?: string }): Promise<{ cwd: string; prepare: () => Promise<undefined> }> {
    const record = await planWorktree({
      cwd: opts.cwd,
      ...(opts.base === undefined ? {} : { base: opts.base }),
      name: opts.label ?? opts.agentId,
      stateDir: this.settings.stateDir,
      kind: "agent",
      owner: { pid: process.pid, agent_id: opts.agentId, ...(opts.label === undefined ? {} : { label: opts.label }) },
    });
    const tracked = this.#track(opts.agentId, record, false);
    const prepare = async (): Promise<undefined> => {
      const span = setupSpan(opts.agentId, "agent", record.branch);
      tracked.preparing = this.#hold(
        checkoutWorktree(record).then(
          () => {
            tracked.checkedOut = true;
            return this.#ready(tracked);
          },
          (error: unknown) => {
            // The checkout cleaned up after itself: nothing of the worktree is left.
            tracked.state = "removed";
            throw error;
          },
        ),
      );
      await traced(span, tracked.preparing);
      return undefined;
    };
    return { cwd: agentCwd(record), prepare };
  }

  /** A resumed agent takes back its kept worktree at `path` (GIT_FAILED when it is gone). */
  async adopt(agentId: string, path: string, label?: string): Promise<void> {
    const record = await adoptWorktree(path, { pid: process.pid, agent_id: agentId, ...(label === undefined ? {} : { label }) });
    this.#track(agentId, record);
    await this.#read(agentId);
  }

  /** The `prepare` of a pool replica: its own worktree (of the repo holding `cwd`), readied, as its cwd. */
  replica(opts: { pool: string; cwd: string; base?: string }): (agentId: string) => Promise<{ cwd: string }> {
    return async (agentId) => {
      const record = await createWorktree({
        cwd: opts.cwd,
        ...(opts.base === undefined ? {} : { base: opts.base }),
        name: `${opts.pool}-${agentId}`,
        stateDir: this.settings.stateDir,
        kind: "replica",
        owner: { pid: process.pid, agent_id: agentId, label: `pool:${opts.pool}` },
      });
      await traced(setupSpan(agentId, "replica", record.branch), this.#ready(this.#track(agentId, record)));
      return { cwd: agentCwd(record) };
    };
  }

  /**
   * Between a replica's tasks: the task's changes and commits go to a branch of their own and the
   * worktree goes back to its base, so the next task neither sees nor loses them.
   */
  async settleTask(agentId: string, task: string): Promise<TaskWork | undefined> {
    const tracked = this.#agents.get(agentId);
    if (tracked === undefined) return undefined;
    tracked.tasks += 1;
    const subject = task.split("\n", 1)[0]?.slice(0, 72) ?? "";
    const message = `subagent-mcp: task ${tracked.tasks} of ${tracked.record.owner.label ?? agentId}\n\n${subject}`;
    const work = await snapshotAndReset(tracked.record, `${tracked.record.branch}-task-${tracked.tasks}`, message);
    if (work !== undefined) tracked.lastTask = work;
    await this.#read(agentId);
    return work;
  }

  /** Gives up an agent's worktree as its end would (a launch that was refused after its worktree was made). */
  abandon(agentId: string): void {
    this.#release(agentId);
  }

  /** The cached view of an agent's worktree (no git call), if it has one. */
  view(agentId: string): WorktreeOut | undefined {
    const tracked = this.#agents.get(agentId);
    return tracked === undefined ? undefined : viewOf(tracked);
  }

  /** The view once any release under way is done and the counts were read again (for one agent's answer). */
  async fresh(agentId: string): Promise<WorktreeOut | undefined> {
    const tracked = this.#agents.get(agentId);
    if (tracked === undefined) return undefined;
    if (tracked.released !== undefined) await tracked.released;
    else await this.#read(agentId);
    return viewOf(tracked);
  }

  /** Resolves once every release and read under way is done (at shutdown, after the agents were killed). */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  #track(agentId: string, record: WorktreeRecord, checkedOut = true): Tracked {
    const tracked: Tracked = { record, state: "active", status: undefined, tasks: 0, checkedOut };
    this.#agents.set(agentId, tracked);
    return tracked;
  }

  // Copies the ignored files the repo asks for, then runs the setup command; either failing fails
  // the launch. What is ignored then is the worktree's own, never counted as the agent's work.
  async #ready(tracked: Tracked): Promise<void> {
    try {
      await copyIncluded(tracked.record);
      if (this.settings.setup !== undefined)
        await runSetup(tracked.record, this.settings.setup, this.settings.setupTimeoutMs === undefined ? {} : { timeoutMs: this.settings.setupTimeoutMs });
    } finally {
      // Also after a failed setup: what it left is no agent's work either.
      tracked.record = await markReady(tracked.record).catch(() => tracked.record);
    }
  }

  #read(agentId: string): Promise<void> {
    const tracked = this.#agents.get(agentId);
    if (tracked?.state !== "active" || !tracked.checkedOut) return Promise.resolve();
    tracked.reading ??= this.#hold(
      worktreeStatus(tracked.record)
        .then((status) => {
          tracked.status = status;
        })
        .catch(() => undefined)
        .finally(() => {
          delete tracked.reading;
        }),
    );
    return tracked.reading;
  }

  #release(agentId: string): void {
    const tracked = this.#agents.get(agentId);
    if (tracked === undefined || tracked.released !== undefined) return;
    tracked.state = "releasing";
    const release = async (): Promise<void> => {
      // A checkout under way finishes first; one that never started (a queued agent killed) is undone.
      await tracked.preparing?.catch(() => undefined);
      await tracked.reading;
      if (!tracked.checkedOut) {
        await discardPlanned(tracked.record);
        tracked.state = "removed";
        return;
      }
      const { removed, status } = await releaseWorktree(tracked.record);
      tracked.state = removed ? "removed" : "kept";
      if (status !== undefined) tracked.status = status;
    };
    tracked.released = this.#hold(
      release().catch((error: unknown) => {
        // Nothing was deleted: what we could not release stays for `subagent-mcp worktrees`.
        tracked.state = "kept";
        tracked.error = errorMessage(error);
      }),
    );
  }

  // Kept until settled, so that shutdown can wait for every git call it started.
  #hold<T>(promise: Promise<T>): Promise<T> {
    this.#pending.add(promise);
    // Its failure is its owner's to handle; this copy only keeps count.
    promise.then(
      () => this.#pending.delete(promise),
      () => this.#pending.delete(promise),
    );
    return promise;
  }
}

function viewOf(tracked: Tracked): WorktreeOut {
  const { record, status } = tracked;
  return {
    path: record.path,
    branch: record.branch,
    base: record.base,
    state: tracked.state,
    ...(status === undefined ? {} : { head: status.head, changed_files: status.changed_files, uncommitted: status.uncommitted, ahead: status.ahead }),
    ...(tracked.lastTask === undefined ? {} : { last_task: tracked.lastTask }),
    ...(tracked.error === undefined ? {} : { error: tracked.error }),
  };
}

// A worktree's checkout and setup as a span of its agent's life (while tracing is on).
function setupSpan(agentId: string, kind: "agent" | "replica", branch: string): SpanHandle | undefined {
  if (!tracer().on) return undefined;
  const parent = agentSpan(agentId);
  return tracer().start("worktree_setup", {
    ...(parent === undefined ? {} : { parent }),
    attributes: { "subagent_mcp.agent.id": agentId, "subagent_mcp.worktree.kind": kind, "subagent_mcp.worktree.branch": branch },
  });
}

async function traced<T>(span: SpanHandle | undefined, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    span?.fail(errorMessage(error));
    throw error;
  } finally {
    span?.end();
  }
}
