// What a host pays for our server before any work: its start (spawn -> `initialize` answered) and
// its memory at idle, each beside a bare `node` in the same run, and the first `launch_agent` calls
// of a fresh server (three at once, one per CLI, right after `tools/list`, as a host fans out); and
// the same for the least server the official MCP SDK makes (floor-server.ts), as the floor.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { build } from "esbuild";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { loopbackEnv, startAllFakes } from "@subagent-mcp/testkit";
import { rssMb, serverBin, serverEnv } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";
import type { BuiltinProvider as Provider } from "@subagent-mcp/contract";

const PROVIDERS: Provider[] = ["claude", "codex", "gemini"];
/** The targets a fresh server is held to, each beside a bare node measured in the same run. */
export const SERVE_TARGETS = { initializeVsBare: 2.5, idleOverBareMb: 10 } as const;
/** How long the idle server (and the bare node beside it) sits before its RSS is read. */
const IDLE_MS = 2_000;

export interface ServeResults {
  /** A bare `node` process (spawn -> its first byte on stdout). */
  bareNodeStartMs: Summary;
  /** `node <bin> mcp`: spawn -> `initialize` answered. */
  initializeMs: Summary;
  /** `initialize` as a multiple of a bare node's start (median over median). */
  initializeVsBare: number;
  /** VmRSS of a bare `node` after 2 s idle (MB). */
  bareNodeRssMb: Summary;
  /** VmRSS of our server after `initialize`, `tools/list` and 2 s idle (MB). */
  idleRssMb: Summary;
  /** Our idle RSS less a bare node's (median over median, MB). */
  idleOverBareMb: number;
  /** Each `launch_agent` call of a fresh server, three at once right after `tools/list` (the first included). */
  launchCall3: Summary;
  /** The first of those three to be answered, per run. */
  firstLaunchCall: Summary;
  /** The floor: a one-tool server on the official MCP SDK, bundled like ours, idle as ours (MB). */
  sdkFloorRssMb: Summary;
  /** The floor's idle RSS less a bare node's (median over median, MB). */
  sdkFloorOverBareMb: number;
  /** The floor's one tool (an echo), called 3 at once right after `tools/list` (ms). */
  sdkFloorCall3: Summary;
  /** Each measure against its target (SERVE_TARGETS): met or not, in this run. */
  verdict: { initializeVsBare: "PASS" | "FAIL"; idleOverBareMb: "PASS" | "FAIL" };
}

/** floor-server.js bundled as our CLI is (one ESM file, minified), so that both load alike. */
async function bundleFloor(dir: string): Promise<string> {
  const outfile = join(dir, "floor.mjs");
  await build({
    entryPoints: [join(import.meta.dirname, "floor-server.js")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    minify: true,
    logLevel: "warning",
    banner: { js: "import { createRequire as __floorRequire } from 'node:module'; const require = __floorRequire(import.meta.url);" },
  });
  return outfile;
}

/** The floor server: RSS after initialize, tools/list and the idle time; then three echo calls at once. */
async function floorRun(file: string): Promise<{ rssMb: number; calls: number[] }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [file], stderr: "ignore" });
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(transport);
  await client.listTools();
  await sleep(IDLE_MS);
  const rss = rssMb(transport.pid as number);
  const calls = await Promise.all(
    [1, 2, 3].map(async (n) => {
      const c0 = performance.now();
      await client.callTool({ name: "echo", arguments: { text: `echo ${n}` } });
      return performance.now() - c0;
    }),
  );
  await client.close();
  return { rssMb: rss, calls };
}

async function bareNode(): Promise<{ startMs: number; rssMb: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ["-e", "process.stdout.write('up'); setInterval(() => {}, 1e9)"], { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise((resolve) => child.stdout.once("data", resolve));
  const startMs = performance.now() - t0;
  await sleep(IDLE_MS);
  const rss = rssMb(child.pid as number);
  child.kill();
  return { startMs, rssMb: rss };
}

/** Spawn -> initialize, then tools/list, idle, RSS; then three launches at once. A fresh server per run. */
export async function serveBench(runs: number): Promise<ServeResults> {
  const fakes = await startAllFakes();
  const env = await loopbackEnv(fakes);
  const bare = { start: [] as number[], rss: [] as number[] };
  const ours = { init: [] as number[], rss: [] as number[], calls: [] as number[], first: [] as number[] };
  const floor = { rss: [] as number[], calls: [] as number[] };
  const floorDir = mkdtempSync(join(tmpdir(), "subagent-mcp-floor-"));
  try {
    const floorFile = await bundleFloor(floorDir);
    for (let i = 0; i < runs; i += 1) {
      const b = await bareNode();
      bare.start.push(b.startMs);
      bare.rss.push(b.rssMb);
      const f = await floorRun(floorFile);
      floor.rss.push(f.rssMb);
      floor.calls.push(...f.calls);
      // As a host starts it: `node <bin> mcp`.
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [serverBin, "mcp"],
        cwd: env.cwd,
        stderr: "ignore",
        env: serverEnv(env),
      });
      const client = new Client({ name: "bench", version: "1" });
      const t0 = performance.now();
      await client.connect(transport);
      ours.init.push(performance.now() - t0);
      await client.listTools();
      await sleep(IDLE_MS);
      ours.rss.push(rssMb(transport.pid as number));
      // The fresh server's first launches: no agent has started, no driver has loaded.
      const answered: number[] = [];
      const ids = await Promise.all(
        PROVIDERS.map(async (provider) => {
          const c0 = performance.now();
          const result = await client.callTool({ name: "launch_agent", arguments: { provider, prompt: `serve ${i}` } });
          const ms = performance.now() - c0;
          if (result.isError === true) throw new Error(`launch_agent ${provider}: ${JSON.stringify(result.content)}`);
          answered.push(ms);
          return (result.structuredContent as { agent_id: string }).agent_id;
        }),
      );
      ours.calls.push(...answered);
      ours.first.push(Math.min(...answered));
      await client.callTool({ name: "wait", arguments: { agent_ids: ids, mode: "all", timeout_s: 120 } }, undefined, { timeout: 200_000 });
      await client.close();
    }
  } finally {
    await Promise.all(Object.values(fakes).map((f) => f.stop()));
    await env.cleanup();
    rmSync(floorDir, { recursive: true, force: true });
  }
  const bareStart = summarize(bare.start);
  const init = summarize(ours.init);
  const bareRss = summarize(bare.rss);
  const idle = summarize(ours.rss);
  const initializeVsBare = Math.round((init.median / bareStart.median) * 100) / 100;
  const idleOverBareMb = Math.round((idle.median - bareRss.median) * 10) / 10;
  return {
    bareNodeStartMs: bareStart,
    initializeMs: init,
    initializeVsBare,
    bareNodeRssMb: bareRss,
    idleRssMb: idle,
    idleOverBareMb,
    launchCall3: summarize(ours.calls),
    firstLaunchCall: summarize(ours.first),
    sdkFloorRssMb: summarize(floor.rss),
    sdkFloorOverBareMb: Math.round((summarize(floor.rss).median - bareRss.median) * 10) / 10,
    sdkFloorCall3: summarize(floor.calls),
    verdict: {
      initializeVsBare: initializeVsBare <= SERVE_TARGETS.initializeVsBare ? "PASS" : "FAIL",
      idleOverBareMb: idleOverBareMb <= SERVE_TARGETS.idleOverBareMb ? "PASS" : "FAIL",
    },
  };
}
