import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link StateError}. */
export type StateErrorCode = "READ_ONLY" | "CONFLICT" | "NOT_PRIVATE" | "CORRUPT";

/** The one error class of `@subagent-mcp/state`: a file we refused to write, and why. */
export class StateError extends CodedError<StateErrorCode> {
  override readonly name = "StateError";
}
