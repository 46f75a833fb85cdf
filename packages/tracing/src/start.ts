import { OFF, tracer, useTracer, type Tracer } from "./api.js";
import { protocolOf, restoreOtelEnv, tracingWanted } from "./env.js";

/**
 * Turns tracing on when the standard OTEL_* environment of this process asks for it (see
 * tracingWanted), and makes it this process's tracer. The SDK reads the rest of OTEL_* itself
 * (endpoint, headers, OTEL_BSP_*, OTEL_RESOURCE_ATTRIBUTES) from `process.env`. Without it this returns OFF and loads nothing: no OpenTelemetry
 * module is imported, so start-up and idle memory stay as they are. A protocol we do not speak
 * (grpc) is said on stderr once, and tracing stays off.
 */
export async function startTracing(service: { name?: string; version: string }): Promise<Tracer> {
  const env = process.env;
  restoreOtelEnv(env);
  if (!tracingWanted(env)) return tracer();
  const protocol = protocolOf(env);
  if (typeof protocol !== "string") {
    process.stderr.write(
      `subagent-mcp: OTEL_EXPORTER_OTLP_PROTOCOL=${protocol.unsupported} is not supported; use http/protobuf or http/json. No traces are sent.\n`,
    );
    return OFF;
  }
  const { otelTracer } = await import("./otel.js");
  const made = await otelTracer(env, protocol, { name: service.name ?? "subagent-mcp", version: service.version });
  useTracer(made);
  return made;
}
