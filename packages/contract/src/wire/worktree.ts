import { z } from "zod";

/** An agent's git worktree on the wire: where it is, and what it holds (counts read when a turn ends). */
export const WorktreeOutSchema = z.object({
  path: z.string(),
  branch: z.string(),
  base: z.string().describe("The ref it started from."),
  state: z
    .enum(["active", "releasing", "kept", "removed"])
    .describe("active while its agent lives; once the agent ended: removed (no work in it) or kept (it holds work, on its branch)."),
  head: z.string().optional(),
  changed_files: z.number().optional().describe("Files changed against base, committed or not."),
  uncommitted: z.number().optional().describe("Changed or new files not committed."),
  ahead: z.number().optional().describe("Commits on its branch beyond base."),
  last_task: z
    .union([z.object({ branch: z.string(), commit: z.string(), changed_files: z.number() }), z.object({ error: z.string() })])
    .optional()
    .describe("Pool replicas: where the last task's work went."),
  error: z.string().optional(),
});
export type WorktreeOut = z.infer<typeof WorktreeOutSchema>;

/** A worktree on a fleet node as the node reports it: made (active), measured after a turn, given up (kept or removed). */
export const RemoteWorktreeSchema = WorktreeOutSchema.omit({ last_task: true }).extend({ state: z.enum(["active", "kept", "removed"]) });
export type RemoteWorktree = z.infer<typeof RemoteWorktreeSchema>;

/** A worktree's view on the wire: where it is, its state, and its counts when they were read. */
export function worktreeOut<S extends WorktreeOut["state"]>(
  worktree: { path: string; branch: string; base: string },
  state: S,
  status: { head: string; changed_files: number; uncommitted: number; ahead: number } | undefined,
): Omit<WorktreeOut, "state"> & { state: S } {
  const { path, branch, base } = worktree;
  return {
    path,
    branch,
    base,
    state,
    ...(status === undefined ? {} : { head: status.head, changed_files: status.changed_files, uncommitted: status.uncommitted, ahead: status.ahead }),
  };
}
