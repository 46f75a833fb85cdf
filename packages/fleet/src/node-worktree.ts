import { agentCwd, copyIncluded, createWorktree, markReady, releaseWorktree, runSetup, worktreeStatus, type WorktreeRecord } from "@subagent-mcp/worktrees";
import type { RemoteWorktree, WorktreeAsk } from "./protocol.js";
import { errorMessage } from "@subagent-mcp/errors";

/** Where a node makes the worktrees of its launches, and the command that readies each (its own config's). */
export interface NodeWorktreeSettings {
  /** This machine's subagent-mcp state dir: worktrees go under its `worktrees/`. */
  stateDir: string;
  setup?: string;
  setupTimeoutMs?: number;
}

/**
 * A launch's git worktree on the node, in the repository that holds its cwd there: made and
 * readied (the `.worktreeinclude` files, the setup command) before its CLI starts, measured after
 * each turn, and given up when the agent ends (removed when it holds no work, kept on its branch
 * otherwise), as a worktree here is.
 */
export class NodeWorktree {
  private constructor(private current: WorktreeRecord) {}

  /** One a previous run of the node made (from its journal), taken back as it is. */
  static adopt(record: WorktreeRecord): NodeWorktree {
    return new NodeWorktree(record);
  }

  /** What the node's journal keeps of it. */
  get record(): WorktreeRecord {
    return this.current;
  }

  static async open(ask: WorktreeAsk, cwd: string, agent: string, settings: NodeWorktreeSettings): Promise<NodeWorktree> {
    const made = await createWorktree({
      cwd,
      ...(ask.base === undefined ? {} : { base: ask.base }),
      name: ask.name,
      stateDir: settings.stateDir,
      kind: "agent",
      owner: { pid: process.pid, agent_id: agent, ...(ask.label === undefined ? {} : { label: ask.label }) },
    });
    try {
      await copyIncluded(made);
      if (settings.setup !== undefined)
        await runSetup(made, settings.setup, settings.setupTimeoutMs === undefined ? {} : { timeoutMs: settings.setupTimeoutMs });
    } catch (error) {
      // A worktree its agent never worked in holds nothing of anyone's.
      await releaseWorktree(made, { force: true }).catch(() => undefined);
      throw error;
    }
    // What is ignored now is the worktree's own, never counted as the agent's work.
    return new NodeWorktree(await markReady(made).catch(() => made));
  }

  /** Where its agent works: the worktree's copy of the launch's cwd. */
  get cwd(): string {
    return agentCwd(this.current);
  }

  /** Its state while the agent lives, with what it holds now. */
  async active(): Promise<RemoteWorktree> {
    const status = await worktreeStatus(this.current).catch(() => undefined);
    return this.#view("active", status);
  }

  /** Gives it up: removed when it holds no work, kept on its branch otherwise (nothing is deleted on an error). */
  async release(): Promise<RemoteWorktree> {
    try {
      const { removed, status } = await releaseWorktree(this.current);
      return this.#view(removed ? "removed" : "kept", status);
    } catch (error) {
      return { ...this.#view("kept", undefined), error: errorMessage(error) };
    }
  }

  #view(state: RemoteWorktree["state"], status: Awaited<ReturnType<typeof worktreeStatus>> | undefined): RemoteWorktree {
    const { path, branch, base } = this.current;
    return {
      path,
      branch,
      base,
      state,
      ...(status === undefined ? {} : { head: status.head, changed_files: status.changed_files, uncommitted: status.uncommitted, ahead: status.ahead }),
    };
  }
}
