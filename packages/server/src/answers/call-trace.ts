import { TRACEPARENT } from "@subagent-mcp/tracing";

/**
 * The trace of the tool call being answered, for the agent it launches: while tracing is on, our
 * traced transport (traced-calls.ts) puts the call's span in the request's `_meta.traceparent`,
 * where the SDK hands it to the handler. Passed explicitly, not through async context (see
 * @subagent-mcp/tracing). Nothing while tracing is off: no AgentSpans reads it then.
 */
export function callTrace(extra: { _meta?: Record<string, unknown> }): { calledIn?: string } {
  const traceparent = extra._meta?.traceparent;
  return typeof traceparent === "string" && TRACEPARENT.test(traceparent) ? { calledIn: traceparent } : {};
}
