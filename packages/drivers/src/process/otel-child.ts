// A CLI that exports OpenTelemetry of its own joins the agent's trace (SessionSpec.traceparent) and
// sends its spans where ours go: the standard OTEL_* variables of this process say where. Only
// while tracing is on (a spec with a traceparent); a CLI that cannot join (Gemini CLI) is covered by
// our spans alone.

type Env = Readonly<Record<string, string | undefined>>;

/** Where our traces go, as the OTLP/HTTP settings of this process give it; none without an endpoint. */
export interface TraceTarget {
  /** The full traces URL (…/v1/traces). */
  url: string;
  json: boolean;
}

export function traceTarget(env: Env): TraceTarget | undefined {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const url = traces !== undefined && traces !== "" ? traces : base !== undefined && base !== "" ? `${base.replace(/\/+$/, "")}/v1/traces` : undefined;
  if (url === undefined) return undefined;
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  return { url, json: protocol === "http/json" };
}

/**
 * Claude Code's traces (it reads the endpoint, protocol and headers from the OTEL_* it inherits):
 * its telemetry, the enhanced beta that holds its spans, and TRACEPARENT, which it continues.
 * Its metrics and logs stay off unless the user's environment turned them on (OTEL_METRICS_EXPORTER,
 * OTEL_LOGS_EXPORTER); with OTEL_SERVICE_NAME set, its spans go under the name claude-code.
 */
export function claudeTraceEnv(traceparent: string | undefined, env: Env): Record<string, string> {
  if (traceparent === undefined || traceTarget(env) === undefined) return {};
  return {
    CLAUDE_CODE_ENABLE_TELEMETRY: "1",
    CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: "1",
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_METRICS_EXPORTER: env.OTEL_METRICS_EXPORTER ?? "none",
    OTEL_LOGS_EXPORTER: env.OTEL_LOGS_EXPORTER ?? "none",
    TRACEPARENT: traceparent,
    // Its spans under its own name, not the one a user gave ours (which the server it starts keeps).
    ...(env.OTEL_SERVICE_NAME === undefined ? {} : { OTEL_SERVICE_NAME: "claude-code" }),
  };
}

/**
 * Codex's traces: its exporter is config, not environment, so it comes as `-c` overrides of
 * `[otel]`; each request that starts work carries the trace (codex.ts). Its logs and metrics
 * exporters stay off. OTLP headers are left out, and so is an endpoint with a user:password in its
 * URL: they hold credentials, and a command line is readable by every user of the machine (a
 * collector that needs them gets Codex's spans through the user's own `[otel]` in config.toml).
 */
export function codexTraceArgs(traceparent: string | undefined, env: Env): string[] {
  const target = traceparent === undefined ? undefined : traceTarget(env);
  if (target === undefined || hasCredentials(target.url)) return [];
  const exporter = `{otlp-http={endpoint=${JSON.stringify(target.url)},protocol="${target.json ? "json" : "binary"}"}}`;
  return ["-c", `otel.trace_exporter=${exporter}`, "-c", 'otel.exporter="none"', "-c", 'otel.metrics_exporter="none"'];
}

// Whether a URL carries a user or password (one that does not parse counts when it holds an "@").
function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return url.includes("@");
  }
}
