// Public API of @subagent-mcp/tracing: OpenTelemetry spans of our servers and their agents, off
// (and nothing loaded) unless the standard OTEL_* environment asks for them.
export { OFF, tracer, useTracer, type AttributeValue, type Attributes, type SpanHandle, type SpanOptions, type Tracer } from "./api.js";
export { OTEL_ENV, TRACEPARENT, TRACEPARENT_ENV, inheritedParent, otelSettings, protocolOf, restoreOtelEnv, tracingWanted } from "./env.js";
export { isTraceEnv, withoutTraceEnv } from "./trace-env.js";
export { startTracing } from "./start.js";
export { AgentSpans, agentSpan, type SessionTrace } from "./agent-spans.js";
