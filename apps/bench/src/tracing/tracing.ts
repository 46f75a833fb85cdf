// What OpenTelemetry tracing costs us, off against on (to the testkit's OTLP receiver on 127.0.0.1,
// in a process of its own): per MCP tool call (the built server over stdio, and traceCalls' work in
// process), per agent turn (AgentSpans on a real Supervisor), and at start-up and idle.
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { loopbackEnv, startAllFakes } from "@subagent-mcp/testkit";
import { microCalls, stdioCalls, type MicroCalls, type StdioCalls } from "./tracing-calls.js";
import { startSink } from "./tracing-rig.js";
import { startBench, type StartResult } from "./tracing-start.js";
import { turnsBench, type TurnsResult } from "./tracing-turns.js";
import { definedFields } from "@subagent-mcp/contract";

export interface TracingResults {
  /** Where traces went: OTLP/HTTP, protobuf (the default protocol), to 127.0.0.1. */
  exporter: string;
  /** The machine: its cores, and its 1-minute load average before and after (other work on it widens the spread). */
  machine: { cores: number; loadAverage: { start: number; end: number } };
  stdio: StdioCalls;
  inProcessCall: MicroCalls;
  turns: TurnsResult;
  start: StartResult;
  /** The serve bench's last figures (results/serve.json), for off beside what serve reported. */
  serveReported?: { measuredAt: string; initializeMedianMs: number; idleRssMedianMb: number; idleOverBareMb: number };
}

function serveReported(): TracingResults["serveReported"] {
  const file = join(import.meta.dirname, "..", "..", "results", "serve.json");
  if (!existsSync(file)) return undefined;
  const serve = JSON.parse(readFileSync(file, "utf8")) as {
    measuredAt: string;
    results: { initializeMs: { median: number }; idleRssMb: { median: number }; idleOverBareMb: number };
  };
  return {
    measuredAt: serve.measuredAt,
    initializeMedianMs: serve.results.initializeMs.median,
    idleRssMedianMb: serve.results.idleRssMb.median,
    idleOverBareMb: serve.results.idleOverBareMb,
  };
}

export async function tracingBench(runs: number): Promise<TracingResults> {
  const reported = serveReported();
  const loadStart = loadavg()[0] ?? 0;
  const sink = await startSink();
  const fakes = await startAllFakes();
  const env = await loopbackEnv(fakes);
  try {
    const stdio = await stdioCalls(env, sink, Math.max(2000, runs * 400));
    const inProcessCall = await microCalls(sink, Math.max(40, runs * 8), 500);
    const turns = await turnsBench(sink, Math.max(20, runs * 4), 200);
    const start = await startBench(env, sink, Math.max(10, runs * 2));
    const machine = { cores: availableParallelism(), loadAverage: { start: loadStart, end: loadavg()[0] ?? 0 } };
    return {
      exporter: "otlp http/protobuf -> 127.0.0.1",
      machine,
      stdio,
      inProcessCall,
      turns,
      start,
      ...definedFields({ serveReported: reported }),
    };
  } finally {
    await Promise.all(Object.values(fakes).map((f) => f.stop()));
    await env.cleanup();
    await sink.close();
  }
}
