import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

import { isCodedError, errorMessage } from "@subagent-mcp/errors";

/** A successful result: structured content plus a short text rendering. */
export function ok(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: "text", text }], structuredContent: structured };
}

// Marks a result built from its output schema's own types, which the delivery then sends unchecked.
export { madeToSchema } from "@subagent-mcp/mcp-transport";

/** A tool error whose message says what to fix. */
export function fail(message: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: message }] };
}

/**
 * Runs a handler, turning our typed errors (any package's: they carry the brand of
 * @subagent-mcp/errors) into tool errors whose message says what to fix. Anything else is a bug:
 * its stack goes to stderr and the caller is told it met one, never handed it as advice.
 */
export async function guard(run: () => Promise<CallToolResult> | CallToolResult): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    if (isCodedError(error)) return fail(error.message);
    console.error(`subagent-mcp: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { ...fail(`internal error in subagent-mcp (a bug; its stack is on the server's stderr): ${errorMessage(error)}`), _meta: { internal: true } };
  }
}
