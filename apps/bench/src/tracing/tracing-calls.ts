// The tracing bench's cost per MCP tool call: (1) through the built server over stdio with the
// official MCP client, servers with tracing off, on (to the OTLP sink), and on with a sampler that
// drops every span, and off with only an AsyncLocalStorage in use (what passing spans through async
// context would cost on this Node: why the tracer passes them explicitly); cheap sequential
// `list_agents` calls in blocks taking turns, with each server's own CPU time per call; (2) in this
// process, the per-call work traceCalls adds (a server span with its attributes, started, handed on
// in the request's `_meta`, ended), on the real OpenTelemetry tracer against OFF and against nothing at all.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { OFF, type Tracer } from "@subagent-mcp/tracing";
import type { CliEnvironment } from "@subagent-mcp/testkit";
import { serverBin, serverEnv } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";
import { cpuUs, inProcessTracer, startSink, withOtel, withoutOtel, type OtlpSink } from "./tracing-rig.js";

/** One arm (off or on) of the stdio measure. */
export interface StdioArm {
  /** One `list_agents` call, request sent -> answer read by the client (ms). */
  callMs: Summary;
  /** The server process's CPU time (user + system, /proc) per call, over every measured block (µs). */
  serverCpuUsPerCall: number;
}

export interface StdioCalls {
  tool: string;
  calls: number;
  off: StdioArm;
  on: StdioArm;
  /** Tracing on, every span dropped by the sampler (OTEL_TRACES_SAMPLER=always_off): the cost of being on without recording or exporting. */
  onUnsampled: StdioArm;
  /** Tracing off, with an AsyncLocalStorage in use (als-preload.ts): what `within`'s async context alone costs on this Node. */
  offWithAsyncContext: StdioArm;
  /** on - off, median and p99 (ms). */
  addedMedianMs: number;
  addedP99Ms: number;
  /** on - off server CPU per call (µs). */
  addedServerCpuUs: number;
  /** onUnsampled - off server CPU per call (µs). */
  addedServerCpuUsUnsampled: number;
  /** offWithAsyncContext - off server CPU per call (µs). */
  addedServerCpuUsAsyncContext: number;
  /** Spans the sink received from the traced server (one per call, warm-up included) / calls it answered. */
  spansExported: number;
  callsTraced: number;
}

const TICK_US = 1e6 / 100; // USER_HZ: /proc counts CPU time in 10 ms ticks

function procCpuUs(pid: number): number {
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

async function serve(env: CliEnvironment, vars: Record<string, string>, preload: string[] = []): Promise<{ client: Client; pid: number }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [...preload, serverBin, "mcp"], cwd: env.cwd, stderr: "ignore", env: vars });
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(transport);
  return { client, pid: transport.pid as number };
}

const ARMS = ["off", "on", "onUnsampled", "offWithAsyncContext"] as const;
type Arm = (typeof ARMS)[number];

/**
 * `calls` sequential list_agents per server (after a warm-up), in blocks of 100, the servers taking
 * turns (in a rotating order). The unsampled server exports to a sink of its own, which must get nothing.
 */
export async function stdioCalls(env: CliEnvironment, sink: OtlpSink, calls: number): Promise<StdioCalls> {
  const tool = "list_agents";
  const base = serverEnv(env);
  const quiet = await startSink();
  const servers = {
    off: await serve(env, withoutOtel(base)),
    on: await serve(env, withOtel(base, sink)),
    onUnsampled: await serve(env, { ...withOtel(base, quiet), OTEL_TRACES_SAMPLER: "always_off" }),
    offWithAsyncContext: await serve(env, withoutOtel(base), ["--import", join(import.meta.dirname, "als-preload.js")]),
  };
  const samples: Record<Arm, number[]> = { off: [], on: [], onUnsampled: [], offWithAsyncContext: [] };
  const cpu: Record<Arm, number> = { off: 0, on: 0, onUnsampled: 0, offWithAsyncContext: 0 };
  const block = async (arm: Arm, n: number, keep: boolean): Promise<void> => {
    const { client, pid } = servers[arm];
    const c0 = procCpuUs(pid);
    for (let i = 0; i < n; i += 1) {
      const t0 = performance.now();
      const result = await client.callTool({ name: tool, arguments: {} });
      const ms = performance.now() - t0;
      if (result.isError === true) throw new Error(`${tool}: ${JSON.stringify(result.content)}`);
      if (keep) samples[arm].push(ms);
    }
    if (keep) cpu[arm] += procCpuUs(pid) - c0;
  };
  const warmup = 300;
  let traced = 0;
  let unsampledSpans: number;
  try {
    // Warm-up: each server's JIT (and the traced one's first export) before anything counts.
    for (const arm of ARMS) await block(arm, warmup, false);
    traced += warmup;
    for (let done = 0, k = 0; done < calls; done += 100, k += 1) {
      const n = Math.min(100, calls - done);
      // A rotating order, so that no server always follows another's GC or export.
      for (let j = 0; j < ARMS.length; j += 1) await block(ARMS[(j + k) % ARMS.length] as Arm, n, true);
      traced += n;
    }
  } finally {
    // Closing stdin ends a server, which flushes its spans before it exits.
    for (const arm of ARMS) await servers[arm].client.close();
    unsampledSpans = (await quiet.received()).spans;
    await quiet.close();
  }
  if (unsampledSpans !== 0) throw new Error(`the unsampled server exported ${unsampledSpans} spans`);
  const spansExported = await sink.settle(traced);
  const arm = (name: Arm): StdioArm => ({ callMs: summarize(samples[name]), serverCpuUsPerCall: Math.round(cpu[name] / samples[name].length) });
  const off = arm("off");
  const on = arm("on");
  const onUnsampled = arm("onUnsampled");
  const offWithAsyncContext = arm("offWithAsyncContext");
  const round3 = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    tool,
    calls,
    off,
    on,
    onUnsampled,
    offWithAsyncContext,
    addedMedianMs: round3(on.callMs.median - off.callMs.median),
    addedP99Ms: round3(on.callMs.p99 - off.callMs.p99),
    addedServerCpuUs: on.serverCpuUsPerCall - off.serverCpuUsPerCall,
    addedServerCpuUsUnsampled: onUnsampled.serverCpuUsPerCall - off.serverCpuUsPerCall,
    addedServerCpuUsAsyncContext: offWithAsyncContext.serverCpuUsPerCall - off.serverCpuUsPerCall,
    spansExported,
    callsTraced: traced,
  };
}

/** The in-process measure of one arm: per call, over batches (µs). */
export interface MicroArm {
  /** Wall time of the synchronous work per call (median over batches). */
  us: number;
  /** The same, the quickest batch: the floor, where the machine's other load (and GC) left it alone. */
  minUs: number;
  /** CPU time per call, the exporter's work after each batch included (median over batches). */
  cpuUs: number;
}

export interface MicroCalls {
  batches: number;
  callsPerBatch: number;
  /** The handler alone: what a call pays while tracing is off (traceCalls is not installed then). */
  none: MicroArm;
  /** traceCalls' per-call work on the OFF tracer. */
  offTracer: MicroArm;
  /** traceCalls' per-call work on the real OpenTelemetry tracer, exporting to the sink. */
  otel: MicroArm;
  /** otel - none (µs per call). */
  addedUs: number;
  addedCpuUs: number;
  spansExported: number;
  spansStarted: number;
}

interface Message {
  id: number;
  params: { name: string; arguments: Record<string, unknown>; _meta?: { traceparent: string } };
}

// A stand-in for the SDK's handler: it reads the request, as every arm does.
const handle = (message: Message): number => message.id + message.params.name.length;

// What traceCalls does per tools/call (packages/mcp-transport/src/traced-calls.ts): a server span named
// after the tool with its attributes, the request handed on with the span's traceparent in its
// `_meta`, the span found again and ended when the answer goes out.
function tracedCall(tracer: Tracer, open: Map<number, unknown>, message: Message): number {
  const span = tracer.start(message.params.name, {
    kind: "server",
    attributes: {
      "mcp.method.name": "tools/call",
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": message.params.name,
      "jsonrpc.request.id": String(message.id),
      "subagent_mcp.agent.id": undefined,
    },
  });
  open.set(message.id, span);
  const out = handle({ ...message, params: { ...message.params, _meta: { traceparent: span.traceparent } } });
  open.delete(message.id);
  span.end();
  return out;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** `batches` batches of `perBatch` calls per arm, the arms interleaved batch by batch. */
export async function microCalls(sink: OtlpSink, batches: number, perBatch: number): Promise<MicroCalls> {
  const { tracer, stop } = await inProcessTracer(sink);
  const before = (await sink.received()).spans;
  const open = new Map<number, unknown>();
  const arms = {
    none: (m: Message) => handle(m),
    offTracer: (m: Message) => tracedCall(OFF, open, m),
    otel: (m: Message) => tracedCall(tracer, open, m),
  };
  const wall = { none: [] as number[], offTracer: [] as number[], otel: [] as number[] };
  const cpu = { none: [] as number[], offTracer: [] as number[], otel: [] as number[] };
  let sink0 = 0;
  let id = 0;
  try {
    // The first two batches warm the JIT up and are not kept.
    for (let b = 0; b < batches + 2; b += 1) {
      for (const arm of ["none", "offTracer", "otel"] as const) {
        const run = arms[arm];
        const c0 = cpuUs();
        const t0 = performance.now();
        for (let i = 0; i < perBatch; i += 1) sink0 += run({ id: (id += 1), params: { name: "list_agents", arguments: {} } });
        const t1 = performance.now();
        // The exporter batches and sends on timers: its CPU lands in this window, after the calls.
        await sleep(50);
        const c1 = cpuUs();
        if (b < 2) continue;
        wall[arm].push(((t1 - t0) * 1000) / perBatch);
        cpu[arm].push((c1 - c0) / perBatch);
      }
    }
  } finally {
    await stop();
  }
  if (sink0 === 0) throw new Error("unreachable: keeps the handler's result alive");
  const started = (batches + 2) * perBatch;
  const exported = (await sink.settle(before + started)) - before;
  const med = (xs: number[]): number => Math.round(median(xs) * 1000) / 1000;
  const arm = (name: keyof typeof wall): MicroArm => ({ us: med(wall[name]), minUs: Math.round(Math.min(...wall[name]) * 1000) / 1000, cpuUs: med(cpu[name]) });
  const result = { none: arm("none"), offTracer: arm("offTracer"), otel: arm("otel") };
  return {
    batches,
    callsPerBatch: perBatch,
    ...result,
    addedUs: Math.round((result.otel.us - result.none.us) * 1000) / 1000,
    addedCpuUs: Math.round((result.otel.cpuUs - result.none.cpuUs) * 1000) / 1000,
    spansExported: exported,
    spansStarted: started,
  };
}
