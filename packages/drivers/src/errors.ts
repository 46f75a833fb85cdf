import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link DriverError}. */
export type DriverErrorCode =
  | "EXECUTABLE_NOT_FOUND"
  | "SPAWN_FAILED"
  | "PROTOCOL_ERROR"
  | "SESSION_CLOSED"
  | "TREE_SURVIVED"
  | "PROVIDER_INVALID"
  | "HANDSHAKE_TIMEOUT"
  | "MCP_UNSUPPORTED";

/** The one error class of `@subagent-mcp/drivers`; `code` is stable, `message` says what to fix. */
export class DriverError extends CodedError<DriverErrorCode> {
  override readonly name = "DriverError";
}
