// The OpenTelemetry-backed tracer. Only start.ts imports this file, and only when the environment
// asks for traces: while tracing is off none of the SDK is loaded.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes as OtelAttributes, type Context, type Span } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Attributes, SpanHandle, SpanOptions, Tracer } from "./api.js";
import { inheritedParent, OTEL_ENV, TRACEPARENT_ENV, type Protocol } from "./env.js";
import { definedFields } from "@subagent-mcp/contract";

const KINDS = { internal: SpanKind.INTERNAL, server: SpanKind.SERVER, client: SpanKind.CLIENT } as const;
const propagator = new W3CTraceContextPropagator();

/** A span of ours and the context its children start in. */
class Handle implements SpanHandle {
  readonly traceparent: string;
  readonly context: Context;
  #ended = false;

  constructor(readonly span: Span) {
    const { traceId, spanId, traceFlags } = span.spanContext();
    this.traceparent = `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, "0")}`;
    this.context = trace.setSpan(ROOT_CONTEXT, span);
  }

  set(attributes: Attributes): void {
    if (!this.#ended) this.span.setAttributes(clean(attributes));
  }

  event(name: string, attributes?: Attributes, at?: number): void {
    if (!this.#ended) this.span.addEvent(name, attributes === undefined ? undefined : clean(attributes), at);
  }

  fail(message: string): void {
    if (!this.#ended) this.span.setStatus({ code: SpanStatusCode.ERROR, message });
  }

  end(at?: number): void {
    if (this.#ended) return;
    this.#ended = true;
    this.span.end(at);
  }
}

/** A tracer exporting over OTLP/HTTP to where the standard OTEL_* variables say. */
export async function otelTracer(env: NodeJS.ProcessEnv, protocol: Protocol, service: { name: string; version: string }): Promise<Tracer> {
  const exporter = await exporterFor(protocol);
  // Ours first, then what OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES say, which win.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ "service.name": service.name, "service.version": service.version }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processorFor(env, exporter)] });
  const otel = provider.getTracer("subagent-mcp", service.version);
  const inherited = inheritedParent(env);
  const root = inherited === undefined ? ROOT_CONTEXT : contextOf(inherited);
  const parentOf = (parent: SpanOptions["parent"]): Context => {
    if (parent instanceof Handle) return parent.context;
    if (typeof parent === "string") return contextOf(parent);
    return root;
  };
  return {
    on: true,
    start: (name, options = {}) =>
      new Handle(
        otel.startSpan(
          name,
          {
            kind: KINDS[options.kind ?? "internal"],
            ...(options.attributes === undefined ? {} : { attributes: clean(options.attributes) }),
            ...definedFields({ startTime: options.at }),
          },
          parentOf(options.parent),
        ),
      ),
    flush: () => bounded(provider.forceFlush()),
    shutdown: () => bounded(provider.shutdown()),
  };
}

/**
 * How long the last flush may take at the end of the process. A collector that takes the
 * connection and never answers would hold it for the exporter's and the batch processor's own
 * timeouts (OTEL_EXPORTER_OTLP_TIMEOUT, OTEL_BSP_EXPORT_TIMEOUT: 10 and 30 s by default), and a
 * host waits for us to exit; what is not out by then is lost.
 */
const SHUTDOWN_LIMIT_MS = 1500;

// Settles when `flush` does or when the limit is up, whichever is first; never rejects.
async function bounded(flush: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SHUTDOWN_LIMIT_MS);
  });
  await Promise.race([flush.catch(() => undefined), limit]);
  clearTimeout(timer);
}

/**
 * A server under a sub-agent (its launching server passed its trace down) dies with its agent's
 * process tree, which a kill ends with SIGKILL at once: nothing buffered survives that, so each of
 * its spans is sent as it ends. Elsewhere the batch processor's delays and sizes come from
 * OTEL_BSP_* as the specification says, every second when no OTEL_BSP_SCHEDULE_DELAY is set (not every 5 s).
 */
function processorFor(env: NodeJS.ProcessEnv, exporter: SpanExporter): SpanProcessor {
  const nested = [env[TRACEPARENT_ENV], env[OTEL_ENV]].some((v) => v !== undefined && v.trim() !== "");
  if (nested) return new SimpleSpanProcessor(exporter);
  return new BatchSpanProcessor(exporter, env.OTEL_BSP_SCHEDULE_DELAY === undefined ? { scheduledDelayMillis: 1000 } : {});
}

async function exporterFor(protocol: Protocol): Promise<SpanExporter> {
  // Each reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS, _TIMEOUT and _COMPRESSION itself.
  if (protocol === "http/json") return new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter();
  return new (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter();
}

// A W3C traceparent's context; a malformed one starts a new trace.
function contextOf(traceparent: string): Context {
  const carrier: Record<string, string> = { traceparent };
  return propagator.extract(ROOT_CONTEXT, carrier, { get: (c: Record<string, string>, key) => c[key], keys: (c: Record<string, string>) => Object.keys(c) });
}

function clean(attributes: Attributes): OtelAttributes {
  const out: OtelAttributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value as OtelAttributes[string];
  return out;
}
