import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link ServerError}. */
export type ServerErrorCode =
  | "INVALID_ARGUMENT"
  | "AGENT_NOT_FOUND"
  | "BUDGET_EXCEEDED"
  | "NESTING_TOO_DEEP"
  | "PERMISSION_ABOVE_CEILING"
  | "CONFIG_INVALID"
  | "TASK_ENDED"
  | "INVALID_CURSOR";

/** The one error class of `@subagent-mcp/server`; `message` says what to fix. */
export class ServerError extends CodedError<ServerErrorCode> {
  override readonly name = "ServerError";
}
