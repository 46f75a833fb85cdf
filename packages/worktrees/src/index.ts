// Public API of @subagent-mcp/worktrees: one git worktree per sub-agent, so parallel agents never share a checkout.
export { adoptWorktree } from "./adopt.js";
export { AgentWorktrees } from "./agent-worktrees.js";
export { agentCwd, checkoutWorktree, createWorktree, discardPlanned, planWorktree } from "./create.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { WorktreeError, type WorktreeErrorCode } from "./errors.js";
export { copyIncluded } from "./include.js";
export { AgentWorktree, type TaskWork, type WorktreeSettings } from "./lifecycle.js";
export { listWorktrees, pruneWorktrees, type ListedWorktree } from "./list.js";
export { WorktreeRecordSchema } from "./record.js";
export { releaseWorktree } from "./release.js";
export { findRepo } from "./repo.js";
export { runSetup } from "./setup.js";
export { snapshotAndReset } from "./snapshot.js";
export { worktreeStatus } from "./status.js";
