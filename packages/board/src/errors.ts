import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link BoardError}. */
export type BoardErrorCode =
  | "BAD_INPUT"
  | "DUPLICATE_KEY"
  | "UNKNOWN_KEY"
  | "UNKNOWN_DEPENDENCY"
  | "DEPENDENCY_CYCLE"
  | "TOO_MANY_TASKS"
  | "RESULT_TOO_LARGE"
  | "NOT_CLAIMABLE"
  | "NOT_CLAIMER"
  | "NOT_MEMBER"
  | "SELF_REVIEW"
  | "NOT_IN_REVIEW";

/** The one error class of `@subagent-mcp/board`: an operation the board refused; `message` says why and what to do. */
export class BoardError extends CodedError<BoardErrorCode> {
  override readonly name = "BoardError";
}
