import { z } from "zod";

/**
 * How a task escalates, as a caller writes it (launch_agent's `escalate`, a routing entry's, a pool
 * definition's): routing's table, the agent definition loader and the server's tool all validate it.
 */
/** When a task escalates (see EscalateSchema's `on`). */
export const EscalateOnSchema = z.enum(["error", "check", "suspect", "review"]);

export const EscalateSchema = z
  .strictObject({
    on: EscalateOnSchema.describe(
      "error: when the first turn ends in an error; check: also when the check command fails after it; suspect: also when the turn's receipt flags a claim its facts do not back (no tool call, no change, a failed test run...), and when its check (optional) fails; review: also when the turn's reviewer (see review) requests changes, its reasons handed to the next candidate.",
    ),
    check: z
      .string()
      .min(1)
      .max(2_000)
      .optional()
      .describe("Shell command run in the agent's cwd (or worktree) after its first turn, e.g. `pnpm test`; a non-zero exit fails it."),
    max_steps: z.number().int().min(1).max(5).optional().describe("How many stronger candidates may take the task over (default 1)."),
  })
  .refine((e) => e.on !== "check" || e.check !== undefined, { message: 'on "check" needs a check command', path: ["check"] });
export type Escalate = z.infer<typeof EscalateSchema>;

/** The check command an escalation runs after the first turn (on check, or on suspect with a check), else undefined. */
export function checkOf(escalate: Pick<Escalate, "on" | "check"> | undefined): string | undefined {
  return escalate === undefined || escalate.on === "error" ? undefined : escalate.check;
}
