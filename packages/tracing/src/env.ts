// The standard OpenTelemetry environment, as far as it decides whether we trace at all.

/** Where a launching server passes its trace down, like depth and the ceiling (see SUBAGENT_MCP_DEPTH). */
export const TRACEPARENT_ENV = "SUBAGENT_MCP_TRACEPARENT";

/**
 * The service name a launching server passes down: a CLI between us (Claude Code) exports under a
 * name of its own, so OTEL_SERVICE_NAME cannot carry ours through it.
 */
export const SERVICE_NAME_ENV = "SUBAGENT_MCP_OTEL_SERVICE_NAME";

/** Our service name: the one passed down, else OTEL_SERVICE_NAME; none: "subagent-mcp". */
export function serviceNameOf(env: Env): string | undefined {
  const name = env[SERVICE_NAME_ENV]?.trim() || env.OTEL_SERVICE_NAME?.trim();
  return name === "" ? undefined : name;
}

/** The protocols we export over (OTLP/HTTP); gRPC would need a second transport for no gain here. */
export const PROTOCOLS = ["http/protobuf", "http/json"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Whether the environment asks for traces: an OTLP endpoint is set (for all signals or for
 * traces), and neither OTEL_SDK_DISABLED nor OTEL_TRACES_EXPORTER=none says no.
 */
export function tracingWanted(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  const exporters = env.OTEL_TRACES_EXPORTER?.split(",").map((s) => s.trim().toLowerCase());
  if (exporters !== undefined && exporters.length > 0 && !exporters.includes("otlp")) return false;
  return nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) || nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** The traces' protocol (default http/protobuf, as the specification says), or why it is not one we speak. */
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
