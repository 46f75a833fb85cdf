import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { CoreError } from "@subagent-mcp/core";
import { DriverError } from "@subagent-mcp/drivers/light";
import { MailboxError } from "@subagent-mcp/mailbox";
import { RoutingError } from "@subagent-mcp/routing";
import { ServerError } from "../errors.js";

/** A successful result: structured content plus a short text rendering. */
export function ok(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: "text", text }], structuredContent: structured };
}

/** A tool error whose message says what to fix. */
export function fail(message: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: message }] };
}

/** Runs a handler, turning our typed errors into tool errors (anything else is a bug and rethrown). */
export async function guard(run: () => Promise<CallToolResult> | CallToolResult): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    if (
      error instanceof CoreError ||
      error instanceof DriverError ||
      error instanceof ServerError ||
      error instanceof RoutingError ||
      error instanceof MailboxError ||
      coded(error)
    )
      return fail(error.message);
    throw error;
  }
}

// Errors of the packages loaded on first use (journal, worktrees) carry a stable upper-case code:
// recognised by it, so that answering a tool call loads none of them.
function coded(error: unknown): error is Error {
  const code = (error as { code?: unknown } | undefined)?.code;
  return error instanceof Error && typeof code === "string" && /^[A-Z][A-Z_]+$/.test(code);
}
