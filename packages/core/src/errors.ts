import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link CoreError}. */
export type CoreErrorCode =
  | "AGENT_NOT_FOUND"
  | "AGENT_NOT_ALIVE"
  | "NO_DRIVER"
  | "UNKNOWN_PROVIDER"
  | "INVALID_ARGUMENT"
  | "POOL_BUSY"
  | "QUEUE_FULL"
  | "PERMISSION_NOT_FOUND"
  | "BUDGET_EXCEEDED";

/** The one error class of `@subagent-mcp/core`; `code` is stable, `message` says what to do. */
export class CoreError extends CodedError<CoreErrorCode> {
  override readonly name = "CoreError";
}
