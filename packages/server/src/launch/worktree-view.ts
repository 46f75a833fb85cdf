import type { WorktreeOut } from "@subagent-mcp/contract";

/** One line about a worktree, for a tool's text. */
export function describeWorktree(w: WorktreeOut): string {
  const counts =
    w.changed_files === undefined ? "" : `, ${w.changed_files} changed file(s), ${w.uncommitted ?? 0} uncommitted, ${w.ahead ?? 0} commit(s) ahead`;
  switch (w.state) {
    case "removed":
      return `worktree ${w.path} held no work and was removed with its branch ${w.branch}`;
    case "kept":
      return `worktree kept with its work on branch ${w.branch} (${w.path}${counts}); merge it, or subagent-mcp worktrees prune once done${w.error === undefined ? "" : ` (${w.error})`}`;
    default:
      return `worktree ${w.path} on branch ${w.branch} from ${w.base}${counts}`;
  }
}
