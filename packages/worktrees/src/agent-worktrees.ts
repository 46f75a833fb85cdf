import type { AgentSpans, SpanHandle, Tracer } from "@subagent-mcp/tracing";
import type { Supervisor } from "@subagent-mcp/core";
import { AgentWorktree, type TaskWork, type WorktreeSettings } from "./lifecycle.js";
import { worktreeOut, type WorktreeOut, definedFields } from "@subagent-mcp/contract";
import { errorMessage } from "@subagent-mcp/errors";

/**
 * The worktrees of this server's agents, each through the one worktree lifecycle (AgentWorktree)
 * a fleet node's launches go through too: made on launch (or, for pool replicas, when each replica
 * process starts), their counts cached and read again when a turn ends, released when their agent
 * is over (a clean one is removed with its branch, one holding work is kept and says so). What is
 * the server's own: the supervisor's ends and turns drive it, its setup is a span of the agent's
 * trace, and shutdown waits for every git call it started.
 */
export class AgentWorktrees {
  readonly #agents = new Map<string, AgentWorktree>();
  readonly #pending = new Set<Promise<unknown>>();

  constructor(
    supervisor: Supervisor,
    private readonly settings: WorktreeSettings,
    /** Where a worktree's checkout and setup become spans of its agent's life (tracing on): the server's tracer and its agents' spans. */
    private readonly tracing?: { tracer: Tracer; spans: AgentSpans | undefined },
  ) {
    supervisor.onEnd((view) => {
      this.#release(view.id);
    });
    supervisor.onTurn((report) => {
      void this.#read(report.agentId);
    });
  }

  // A worktree's checkout and setup as a span of its agent's life (while tracing is on).
  #setupSpan(agentId: string, kind: "agent" | "replica", branch: string): SpanHandle | undefined {
    if (this.tracing?.tracer.on !== true) return undefined;
    const parent = this.tracing.spans?.lifeOf(agentId);
    return this.tracing.tracer.start("worktree_setup", {
      ...definedFields({ parent }),
      attributes: { "subagent_mcp.agent.id": agentId, "subagent_mcp.worktree.kind": kind, "subagent_mcp.worktree.branch": branch },
    });
  }

  /**
   * A launch's worktree, planned now (repository, base, branch: a few ms) so that a bad cwd or base
   * is the launch's error; git's checkout, the `.worktreeinclude` files and the setup command run
   * as the agent's `prepare`, before its CLI starts, so that launch_agent returns at once.
   */
  async open(opts: { agentId: string; cwd: string; base?: string; label?: string }): Promise<{ cwd: string; prepare: () => Promise<undefined> }> {
    const tree = await AgentWorktree.plan(this.settings, {
      cwd: opts.cwd,
      ...definedFields({ base: opts.base }),
      name: opts.label ?? opts.agentId,
      kind: "agent",
      owner: { pid: process.pid, agent_id: opts.agentId, ...definedFields({ label: opts.label }) },
    });
    this.#agents.set(opts.agentId, tree);
    const prepare = async (): Promise<undefined> => {
      await traced(this.#setupSpan(opts.agentId, "agent", tree.record.branch), this.#hold(tree.prepare()));
      return undefined;
    };
    return { cwd: tree.cwd, prepare };
  }

  /** A resumed agent takes back its kept worktree at `path` (GIT_FAILED when it is gone). */
  async adopt(agentId: string, path: string, label?: string): Promise<void> {
    this.#agents.set(agentId, await AgentWorktree.adopt(path, { pid: process.pid, agent_id: agentId, ...definedFields({ label }) }));
    await this.#read(agentId);
  }

  /** The `prepare` of a pool replica: its own worktree (of the repo holding `cwd`), readied, as its cwd. */
  replica(opts: { pool: string; cwd: string; base?: string }): (agentId: string) => Promise<{ cwd: string }> {
    return async (agentId) => {
      const tree = await AgentWorktree.plan(this.settings, {
        cwd: opts.cwd,
        ...definedFields({ base: opts.base }),
        name: `${opts.pool}-${agentId}`,
        kind: "replica",
        owner: { pid: process.pid, agent_id: agentId, label: `pool:${opts.pool}` },
      });
      this.#agents.set(agentId, tree);
      await traced(this.#setupSpan(agentId, "replica", tree.record.branch), tree.prepare()).catch((error: unknown) => {
        // A checkout that failed left nothing of it: the replica has no worktree to show or release.
        if (tree.state === "removed") this.#agents.delete(agentId);
        throw error;
      });
      return { cwd: tree.cwd };
    };
  }

  /**
   * Between a replica's tasks: the task's changes and commits go to a branch of their own and the
   * worktree goes back to its base, so the next task neither sees nor loses them.
   */
  async settleTask(agentId: string, task: string): Promise<TaskWork | undefined> {
    const tree = this.#agents.get(agentId);
    return tree?.snapshot(tree.record.owner.label ?? agentId, task);
  }

  /** Gives up an agent's worktree as its end would (a launch that was refused after its worktree was made). */
  abandon(agentId: string): void {
    this.#release(agentId);
  }

  /** The cached view of an agent's worktree (no git call), if it has one. */
  view(agentId: string): WorktreeOut | undefined {
    const tree = this.#agents.get(agentId);
    return tree === undefined ? undefined : viewOf(tree);
  }

  /** The view once any release under way is done and the counts were read again (for one agent's answer). */
  async fresh(agentId: string): Promise<WorktreeOut | undefined> {
    const tree = this.#agents.get(agentId);
    if (tree === undefined) return undefined;
    if (tree.releasing) await tree.release();
    else await this.#read(agentId);
    return viewOf(tree);
  }

  /** Resolves once every release and read under way is done (at shutdown, after the agents were killed). */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  #read(agentId: string): Promise<unknown> {
    const tree = this.#agents.get(agentId);
    return tree === undefined ? Promise.resolve() : this.#hold(tree.read());
  }

  // Nothing is deleted on an error: what could not be released stays for `subagent-mcp worktrees`.
  #release(agentId: string): void {
    const tree = this.#agents.get(agentId);
    if (tree !== undefined && !tree.releasing) void this.#hold(tree.release());
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

function viewOf(tree: AgentWorktree): WorktreeOut {
  return {
    ...worktreeOut(tree.record, tree.state, tree.status),
    ...definedFields({ last_task: tree.lastTask, error: tree.error }),
  };
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
