import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link TeamError}; a refused board operation is the board's own error, with its code. */
export type TeamErrorCode = "INVALID_ARGUMENT" | "UNKNOWN_BOARD";

/** An error of the team's tools whose message says what to fix. */
export class TeamError extends CodedError<TeamErrorCode> {
  override readonly name = "TeamError";
}
