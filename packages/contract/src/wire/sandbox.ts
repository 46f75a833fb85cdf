import { z } from "zod";

/**
 * What holds a sub-agent CLI's view of our files: an OS sandbox where our secrets and private
 * state do not exist (`bwrap` on Linux, `sandbox-exec` on macOS), the one its own server runs in
 * (`inherited`), or `none`: then only permission rules stand between it and them, and `reason`
 * says why. Shown by launch_agent, doctor and the dashboard.
 */
export const SandboxStatusSchema = z.object({
  kind: z.enum(["bwrap", "sandbox-exec", "inherited", "none"]),
  executable: z.string().optional(),
  reason: z.string().optional(),
});
export type SandboxStatus = z.infer<typeof SandboxStatusSchema>;
