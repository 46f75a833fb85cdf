// The tracing bench's start-up and idle memory of the built server, tracing off and on (on loads
// the OpenTelemetry SDK and exporter before serving), measured as the serve bench measures ours:
// spawn `node <bin> mcp` -> `initialize` answered, then `tools/list`, 2 s idle, VmRSS; beside a
// bare `node` in the same run. Off must stay what serve reports; on says what tracing costs.
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CliEnvironment } from "@subagent-mcp/testkit";
import { rssMb, serverBin, serverEnv } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";
import { withOtel, withoutOtel, type OtlpSink } from "./tracing-rig.js";

const IDLE_MS = 2_000;

export interface StartArm {
  /** spawn -> `initialize` answered (ms). */
  initializeMs: Summary;
  /** spawn -> `initialize` and `tools/list` answered (ms). */
  toolsListMs: Summary;
  /** VmRSS after `tools/list` and 2 s idle (MB). */
  idleRssMb: Summary;
  /** Idle RSS less a bare node's (median over median, MB). */
  idleOverBareMb: number;
}

export interface StartResult {
  bareNodeRssMb: Summary;
  off: StartArm;
  on: StartArm;
  /** on - off, medians. */
  addedInitializeMs: number;
  addedToolsListMs: number;
  addedIdleRssMb: number;
}

async function bareRss(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "process.stdout.write('up'); setInterval(() => {}, 1e9)"], { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise((resolve) => child.stdout.once("data", resolve));
  await sleep(IDLE_MS);
  const rss = rssMb(child.pid as number);
  child.kill();
  return rss;
}

async function startOnce(env: CliEnvironment, serverVars: Record<string, string>): Promise<{ init: number; list: number; rss: number }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [serverBin, "mcp"], cwd: env.cwd, stderr: "ignore", env: serverVars });
  const client = new Client({ name: "bench", version: "1" });
  const t0 = performance.now();
  await client.connect(transport);
  const init = performance.now() - t0;
  await client.listTools();
  const list = performance.now() - t0;
  await sleep(IDLE_MS);
  const rss = rssMb(transport.pid as number);
  await client.close();
  return { init, list, rss };
}

/** `runs` fresh servers each way, alternating, and a bare node per run. */
export async function startBench(env: CliEnvironment, sink: OtlpSink, runs: number): Promise<StartResult> {
  const base = serverEnv(env);
  const vars = { off: withoutOtel(base), on: withOtel(base, sink) };
  const got = {
    off: { init: [] as number[], list: [] as number[], rss: [] as number[] },
    on: { init: [] as number[], list: [] as number[], rss: [] as number[] },
  };
  const bare: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    bare.push(await bareRss());
    for (const arm of i % 2 === 0 ? (["off", "on"] as const) : (["on", "off"] as const)) {
      const r = await startOnce(env, vars[arm]);
      got[arm].init.push(r.init);
      got[arm].list.push(r.list);
      got[arm].rss.push(r.rss);
    }
  }
  const bareS = summarize(bare);
  const arm = (name: "off" | "on"): StartArm => {
    const idle = summarize(got[name].rss);
    return {
      initializeMs: summarize(got[name].init),
      toolsListMs: summarize(got[name].list),
      idleRssMb: idle,
      idleOverBareMb: Math.round((idle.median - bareS.median) * 10) / 10,
    };
  };
  const off = arm("off");
  const on = arm("on");
  const d = (a: number, b: number, k: number): number => Math.round((a - b) * k) / k;
  return {
    bareNodeRssMb: bareS,
    off,
    on,
    addedInitializeMs: d(on.initializeMs.median, off.initializeMs.median, 100),
    addedToolsListMs: d(on.toolsListMs.median, off.toolsListMs.median, 100),
    addedIdleRssMb: d(on.idleRssMb.median, off.idleRssMb.median, 10),
  };
}
