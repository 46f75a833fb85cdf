import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link UsageError}. */
export type UsageErrorCode = "INVALID_SINCE";

/** The one error class of `@subagent-mcp/usage`; `message` says what was wrong and what to do. */
export class UsageError extends CodedError<UsageErrorCode> {
  override readonly name = "UsageError";
}
