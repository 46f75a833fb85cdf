import { OTEL_ENV, TRACEPARENT_ENV } from "./env.js";

// The trace settings a launch passes down stay on this machine: the collector's settings may hold
// its credentials (OTEL_EXPORTER_OTLP_HEADERS, a user:password in an endpoint's URL), and a
// machine that runs a launch for another one (a fleet node) traces by its own OTEL_* environment.

/** Whether `name` carries trace settings: ours passed down, or any standard OTEL_* / TRACEPARENT variable. */
export function isTraceEnv(name: string): boolean {
  return name === OTEL_ENV || name === TRACEPARENT_ENV || name === "TRACEPARENT" || name.startsWith("OTEL_");
}

/** A launch's environment as it may leave this machine: without any trace setting (see {@link isTraceEnv}). */
export function withoutTraceEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !isTraceEnv(name)));
}
