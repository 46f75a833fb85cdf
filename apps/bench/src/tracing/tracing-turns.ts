// The tracing bench's cost per agent turn: a real core Supervisor with an in-memory driver (no
// process, no model: each turn is a send and the events a CLI's turn brings), without AgentSpans
// (tracing off: the server makes none) and with AgentSpans on the real OpenTelemetry tracer,
// exporting to the OTLP sink. Rounds of the two alternate; per turn, the synchronous work and the
// CPU time (the exporter's included) are compared.
import { setTimeout as sleep } from "node:timers/promises";
import { Supervisor, type AgentEvent, type Driver, type Session, type SessionSpec } from "@subagent-mcp/core";
import { AgentSpans, type Tracer } from "@subagent-mcp/tracing";
import { cpuUs, inProcessTracer, type OtlpSink } from "./tracing-rig.js";

/** A session in memory: it keeps the listener so that the bench can play the CLI's events. */
class MemorySession implements Session {
  readonly pid = 1;
  constructor(readonly emit: (event: AgentEvent) => void) {}
  send(): void {
    // The bench plays the turn's events right after the send.
  }
  interrupt(): Promise<void> {
    return Promise.resolve();
  }
  reset(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return this.kill();
  }
  kill(): Promise<void> {
    this.emit({ type: "exit", code: 0, signal: null });
    return Promise.resolve();
  }
}

class MemoryDriver implements Driver {
  readonly provider = "claude";
  session: MemorySession | undefined;
  start(_spec: SessionSpec, onEvent: (event: AgentEvent) => void): Session {
    this.session = new MemorySession(onEvent);
    return this.session;
  }
}

const USAGE = { input: 1200, output: 300, cacheRead: 800, cacheWrite: 0 };

/** One turn as a CLI brings it: text, a tool call and its result, the turn's end. */
function playTurn(session: MemorySession, n: number): void {
  session.emit({ type: "text", delta: `working on turn ${n}` });
  session.emit({ type: "tool", name: "Read", input: { file_path: "README.md" } });
  session.emit({ type: "tool_result", name: "Read", ok: true });
  session.emit({ type: "turn_end", result: `done ${n}`, isError: false, usage: USAGE, costUsd: 0.002, durationMs: 40 });
}

/** One round: an agent launched (its first turn played), then `turns` follow-ups, each taken as `wait` would. */
async function round(tracer: Tracer | undefined, turns: number): Promise<{ us: number; cpuUs: number }> {
  const driver = new MemoryDriver();
  const spans = tracer === undefined ? undefined : new AgentSpans(tracer);
  // As the server's createSupervisor wires it while tracing is on (server/src/launch/supervisor.ts).
  const supervisor = new Supervisor({
    drivers: { claude: driver },
    ...(spans === undefined ? {} : { traceOf: spans.sessionTrace, onPermission: spans.permission }),
  });
  spans?.attach(supervisor);
  const { id } = supervisor.launch({ provider: "claude", prompt: "first", cwd: process.cwd(), model: "claude-sonnet-4-5" });
  const session = driver.session;
  if (session === undefined) throw new Error("the supervisor started no session");
  session.emit({ type: "started", sessionId: "bench-session", model: "claude-sonnet-4-5" });
  playTurn(session, 1);
  supervisor.takeReport(id, 1);
  let wall = 0;
  const c0 = cpuUs();
  for (let n = 2; n <= turns + 1; n += 1) {
    const t0 = performance.now();
    supervisor.send(id, `follow-up ${n}`);
    playTurn(session, n);
    if (supervisor.takeReport(id, n) === undefined) throw new Error(`turn ${n} was not reported`);
    wall += performance.now() - t0;
    // A turn takes the model seconds: the exporter's timers run between turns, as in a server.
    if (n % 50 === 0) await sleep(5);
  }
  await sleep(20);
  const cpu = cpuUs() - c0;
  await supervisor.shutdown();
  return { us: (wall * 1000) / turns, cpuUs: cpu / turns };
}

export interface TurnsResult {
  rounds: number;
  turnsPerRound: number;
  /** Without AgentSpans (tracing off): per turn, µs (median over rounds). */
  off: { us: number; cpuUs: number };
  /** With AgentSpans on the real OpenTelemetry tracer. */
  on: { us: number; cpuUs: number };
  addedUs: number;
  addedCpuUs: number;
  /** Spans the sink received (life + one per turn, per round) / spans made. */
  spansExported: number;
  spansMade: number;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round((sorted[Math.floor(sorted.length / 2)] ?? Number.NaN) * 1000) / 1000;
}

/** `rounds` rounds of `turns` turns each way, alternating (two warm-up rounds each way not kept). */
export async function turnsBench(sink: OtlpSink, rounds: number, turns: number): Promise<TurnsResult> {
  const { tracer, stop } = await inProcessTracer(sink);
  const before = (await sink.received()).spans;
  const off = { us: [] as number[], cpu: [] as number[] };
  const on = { us: [] as number[], cpu: [] as number[] };
  try {
    for (let r = 0; r < rounds + 2; r += 1) {
      const order = r % 2 === 0 ? [undefined, tracer] : [tracer, undefined];
      for (const t of order) {
        const got = await round(t, turns);
        if (r < 2) continue;
        const into = t === undefined ? off : on;
        into.us.push(got.us);
        into.cpu.push(got.cpuUs);
      }
    }
  } finally {
    await stop();
  }
  // Per traced round: the life span and one span per turn (the launch's included).
  const made = (rounds + 2) * (turns + 2);
  const exported = (await sink.settle(before + made)) - before;
  const o = { us: median(off.us), cpuUs: median(off.cpu) };
  const n = { us: median(on.us), cpuUs: median(on.cpu) };
  return {
    rounds,
    turnsPerRound: turns,
    off: o,
    on: n,
    addedUs: Math.round((n.us - o.us) * 1000) / 1000,
    addedCpuUs: Math.round((n.cpuUs - o.cpuUs) * 1000) / 1000,
    spansExported: exported,
    spansMade: made,
  };
}
