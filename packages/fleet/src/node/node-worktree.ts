import { worktreeOut, type RemoteWorktree, definedFields } from "@subagent-mcp/contract";
import { AgentWorktree, type WorktreeSettings } from "@subagent-mcp/worktrees";
import type { WorktreeAsk } from "../protocol/protocol.js";

// A launch's worktree on the node goes through the same lifecycle as one of a server's agents
// (packages/worktrees): what is the node's own is where it is made, and what it reports of it.

/**
 * The launch's worktree, in the repository that holds its cwd there: made and readied (the
 * `.worktreeinclude` files, the node's setup command) before its CLI starts; one that fails is
 * removed (its agent never worked in it, so it holds nothing of anyone's).
 */
export async function openWorktree(ask: WorktreeAsk, cwd: string, agent: string, settings: WorktreeSettings): Promise<AgentWorktree> {
  const tree = await AgentWorktree.plan(settings, {
    cwd,
    ...definedFields({ base: ask.base }),
    name: ask.name,
    kind: "agent",
    owner: { pid: process.pid, agent_id: agent, ...definedFields({ label: ask.label }) },
  });
  try {
    await tree.prepare();
  } catch (error) {
    if (tree.state !== "removed") await tree.discard().catch(() => undefined);
    throw error;
  }
  return tree;
}

/** Its state while the agent lives, with what it holds now (no counts when they could not be read). */
export async function activeWorktree(tree: AgentWorktree): Promise<RemoteWorktree> {
  return worktreeOut(tree.record, "active", await tree.read());
}

/** Given up as its agent ended: removed when it holds no work, kept on its branch otherwise (nothing is deleted on an error). */
export async function releasedWorktree(tree: AgentWorktree): Promise<RemoteWorktree> {
  const status = await tree.release();
  const view = worktreeOut(tree.record, tree.state === "removed" ? "removed" : "kept", status);
  return tree.error === undefined ? view : { ...view, error: tree.error };
}
