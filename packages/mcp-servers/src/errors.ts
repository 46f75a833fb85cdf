import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link McpServersError}. */
export type McpServersErrorCode = "UNKNOWN_SERVER" | "UNKNOWN_HOST" | "DUPLICATE_NAME" | "INVALID_SPEC";

/** The one error class of `@subagent-mcp/mcp-servers`: an MCP server asked for that cannot be handed on; `message` says which and what the user has. */
export class McpServersError extends CodedError<McpServersErrorCode> {
  override readonly name = "McpServersError";
}
