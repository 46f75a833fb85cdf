// The standard OpenTelemetry environment, as far as it decides whether we trace at all.

/** Where a launching server passes its trace down, like depth and the ceiling (see SUBAGENT_MCP_DEPTH). */
export const TRACEPARENT_ENV = "SUBAGENT_MCP_TRACEPARENT";

/**
 * The OTEL_* settings a launching server passes down, as JSON: a CLI between us drops them from
 * what the servers it starts inherit (Claude Code does, and gives its own its own name), so the
 * subagent-mcp server under a sub-agent gets them back from here (see restoreOtelEnv).
 */
export const OTEL_ENV = "SUBAGENT_MCP_OTEL_ENV";

/** This process's OTEL_* settings, to pass down in {@link OTEL_ENV}. */
export function otelSettings(env: Env): string {
  return JSON.stringify(Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith("OTEL_") && value !== undefined)));
}

/** Puts back the OTEL_* settings a launching server passed down (they win: they are its trace's). */
export function restoreOtelEnv(env: Record<string, string | undefined>): void {
  const passed = env[OTEL_ENV];
  if (passed === undefined || passed === "") return;
  let settings: unknown;
  try {
    settings = JSON.parse(passed);
  } catch {
    return;
  }
  if (typeof settings !== "object" || settings === null) return;
  for (const [key, value] of Object.entries(settings)) if (key.startsWith("OTEL_") && typeof value === "string") env[key] = value;
}

/** The protocols we export over (OTLP/HTTP); gRPC would need a second transport for no gain here. */
export const PROTOCOLS = ["http/protobuf", "http/json"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Whether the environment asks for traces: an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT for
 * all signals, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT for traces), and neither OTEL_SDK_DISABLED nor
 * OTEL_TRACES_EXPORTER=none says no.
 */
export function tracingWanted(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  const exporters = env.OTEL_TRACES_EXPORTER?.split(",").map((s) => s.trim().toLowerCase());
  if (exporters !== undefined && exporters.length > 0 && !exporters.includes("otlp")) return false;
  return nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) || nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/**
 * The traces' protocol, from OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL
 * (default http/protobuf, as the specification says), or why it is not one we speak.
 */
export function protocolOf(env: Env): Protocol | { unsupported: string } {
  const given = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  if (given === undefined || given === "") return "http/protobuf";
  return (PROTOCOLS as readonly string[]).includes(given) ? (given as Protocol) : { unsupported: given };
}

/** The trace this process continues: the one its launching server passed down, else a standard TRACEPARENT. */
export function inheritedParent(env: Env): string | undefined {
  for (const value of [env[TRACEPARENT_ENV], env.TRACEPARENT]) if (value !== undefined && TRACEPARENT.test(value.trim())) return value.trim();
  return undefined;
}

/** version 00, a 32-hex trace id and a 16-hex span id (neither all zeros), 2-hex flags. */
export const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== "";
}
