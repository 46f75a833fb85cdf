import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

import { isCodedError, errorMessage } from "@subagent-mcp/errors";

/** A successful result: structured content plus a short text rendering. */
export function ok(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: "text", text }], structuredContent: structured };
}

// Results their tool built from the contract's types, row by row: see madeToSchema.
const typed = new WeakSet<object>();

/**
 * `result`, marked as built from the output schema's own types (each row `satisfies` its zod type),
 * so the server does not parse it against that schema again before sending it: for list_agents'
 * hundred rows that parse (zod's async one, without its compiled fast path) cost as much as making
 * them. Only for results whose every part is typed so; the rest are checked as the SDK does.
 */
export function madeToSchema(result: CallToolResult): CallToolResult {
  typed.add(result);
  return result;
}

/** Whether `result` was marked by {@link madeToSchema}. */
export function isMadeToSchema(result: unknown): boolean {
  return typeof result === "object" && result !== null && typed.has(result);
}

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
