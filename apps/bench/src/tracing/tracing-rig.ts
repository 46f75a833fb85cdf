// What the tracing bench shares: the OTLP sink in its own process, the environments of a server
// with tracing off and on, and the in-process OpenTelemetry tracer pointed at the sink.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { OFF, startTracing, useTracer, type Tracer } from "@subagent-mcp/tracing";

export interface OtlpSink {
  /** `http://127.0.0.1:<port>`: OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  /** What the sink has received so far. */
  received(): Promise<{ spans: number; requests: number }>;
  /** Resolves once the sink holds at least `spans` spans (or `timeoutMs` passed); the count it holds. */
  settle(spans: number, timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

/** Starts otlp-sink.js (the testkit's receiver on 127.0.0.1) in a child process. */
export async function startSink(): Promise<OtlpSink> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [join(import.meta.dirname, "otlp-sink.js")], { stdio: "pipe" });
  const lines: Interface = createInterface({ input: child.stdout });
  const next = async (): Promise<string> => ((await once(lines, "line")) as [string])[0];
  const url = await next();
  const received = async (): Promise<{ spans: number; requests: number }> => {
    const answer = next();
    child.stdin.write("?\n");
    return JSON.parse(await answer) as { spans: number; requests: number };
  };
  return {
    url,
    received,
    settle: async (spans, timeoutMs = 15_000) => {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const got = (await received()).spans;
        if (got >= spans || performance.now() > deadline) return got;
        // Polled: the sink is another process, and the exporter's batches arrive when they do.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: async () => {
      child.stdin.end();
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}

/** `env` with every OTEL_* variable removed: a server that must not trace, whatever the shell says. */
export function withoutOtel(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith("OTEL_")));
}

/** `env` asking for traces to `sink` over OTLP/HTTP (protobuf, the default), as a user would set it. */
export function withOtel(env: Record<string, string>, sink: OtlpSink): Record<string, string> {
  return { ...withoutOtel(env), OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" };
}

/**
 * The real OpenTelemetry tracer of this process (startTracing, as the server makes it), exporting to
 * `sink`; `stop` flushes it and makes OFF this process's tracer again. startTracing reads
 * process.env, so OTEL_* is set only while it builds the tracer.
 */
export async function inProcessTracer(sink: OtlpSink): Promise<{ tracer: Tracer; stop: () => Promise<void> }> {
  const saved = process.env;
  process.env = { ...saved, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" };
  let tracer: Tracer;
  try {
    tracer = await startTracing({ version: "bench" });
  } finally {
    process.env = saved;
  }
  if (!tracer.on) throw new Error("startTracing did not turn tracing on");
  return {
    tracer,
    stop: async () => {
      useTracer(OFF);
      await tracer.shutdown();
    },
  };
}

/** CPU time (user + system) this process has used, in microseconds. */
export function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
