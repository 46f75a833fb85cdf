import { z } from "zod";

/** The `worktree` section of the config: a shell command run at the root of each new worktree before its agent starts (from a project's file only once trusted). */
export const WorktreeConfigSchema = z.strictObject({
  setup: z.string().min(1).optional(),
  /** The setup command is stopped after this long, failing the launch (default 600). */
  setup_timeout_s: z.number().positive().optional(),
});
