import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link WorktreeError}. */
export type WorktreeErrorCode = "NOT_A_REPO" | "BAD_BASE" | "GIT_FAILED" | "SETUP_FAILED" | "INCLUDE_FAILED" | "UNMERGED_WORK" | "NOT_OURS";

/** The one error class of `@subagent-mcp/worktrees`; `message` says what was wrong and what to do. */
export class WorktreeError extends CodedError<WorktreeErrorCode> {
  override readonly name = "WorktreeError";
}
