import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link McpTransportError}. */
export type McpTransportErrorCode = "CONFIG_INVALID";

/** The one error class of `@subagent-mcp/mcp-transport`; `message` says what to fix. */
export class McpTransportError extends CodedError<McpTransportErrorCode> {
  override readonly name = "McpTransportError";
}
