import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

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
