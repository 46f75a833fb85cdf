// Public API of @subagent-mcp/tracing: OpenTelemetry spans of our servers and their agents, off
// (and nothing loaded) unless the standard OTEL_* environment asks for them.
export { OFF, tracer, useTracer, type Attributes, type SpanHandle, type SpanOptions, type Tracer } from "./api.js";
export { TRACEPARENT, inheritedParent, otelSettings, protocolOf, restoreOtelEnv, tracingWanted } from "./env.js";
export { withoutTraceEnv } from "./trace-env.js";
export { startTracing } from "./start.js";
export { AgentSpans } from "./agent-spans.js";
