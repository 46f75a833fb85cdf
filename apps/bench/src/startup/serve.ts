// What a host pays for our server before any work, against the least an official-SDK server pays
// (floor-server.ts) and a bare `node`: all three spawned alike, with one environment, in the same
// minute, in an order rotating per run (so no side carries a cost the others do not: a CA bundle,
// a busier moment). Then a fresh server's first calls of each read-only tool and of `launch_agent`
// (three at once, as a host fans out) beside later ones.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { build } from "esbuild";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { loopbackEnv, startAllFakes, wireTimer } from "@subagent-mcp/testkit";
import { rssMb, serverBin, serverEnv } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";
import type { BuiltinProvider as Provider } from "@subagent-mcp/contract";

const PROVIDERS: Provider[] = ["claude", "codex", "gemini"];
/** The targets a fresh server is held to, each against the floor or its own later calls in the same run. */
export const SERVE_TARGETS = { initializeVsFloor: 1.2, idleOverFloorMb: 4, firstLaunchMs: 15, laterLaunchMs: 10, firstVsLater: 2 } as const;
const IDLE_MS = 2_000; // before each process's RSS is read
const CALLS = 10; // of each read-only tool per run: the first, then the later ones
/** What of the host's environment changes any node's start, carried into all three (a CA bundle: ~40 ms each). */
const CARRIED = ["NODE_EXTRA_CA_CERTS", "NODE_OPTIONS", "NODE_ICU_DATA"] as const;

type Pass = "PASS" | "FAIL";

/** floor-server.js bundled as our CLI is (one ESM file, minified), so that both load alike. */
async function bundleFloor(dir: string): Promise<string> {
  const [outfile, banner] = [join(dir, "floor.mjs"), "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);"];
  const options = { bundle: true, format: "esm", platform: "node", target: "node20", minify: true, logLevel: "warning" } as const;
  await build({ entryPoints: [join(import.meta.dirname, "floor-server.js")], outfile, banner: { js: banner }, ...options });
  return outfile;
}

/** A server started as a host starts it; `answered(method)` takes its answers' times on the wire (wireTimer). */
type Started = Awaited<ReturnType<typeof startServer>>;

// Spawn -> initialize answered, then tools/list, as a host does; the same for the floor and ours.
async function startServer(args: string[], env: Record<string, string>, cwd: string) {
  const transport = new StdioClientTransport({ command: process.execPath, args, cwd, env, stderr: "ignore" });
  const answered = wireTimer(transport);
  const client = new Client({ name: "bench", version: "1" });
  const t0 = performance.now();
  await client.connect(transport);
  const initializeMs = performance.now() - t0;
  answered("initialize");
  await client.listTools();
  const toolsListMs = answered("tools/list")[0] as number;
  // toolsReadyMs: spawn -> tools/list answered, when a host that lists right after initialize has the tools.
  return { client, pid: transport.pid as number, initializeMs, toolsListMs, toolsReadyMs: initializeMs + toolsListMs, answered };
}

async function bareNode(env: Record<string, string>, cwd: string, s: Samples): Promise<void> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ["-e", "process.stdout.write('up'); setInterval(() => {}, 1e9)"], { cwd, env, stdio: ["ignore", "pipe", "ignore"] });
  await new Promise((resolve) => child.stdout.once("data", resolve));
  push(s, "bare", performance.now() - t0);
  await sleep(IDLE_MS);
  push(s, "bareRss", rssMb(child.pid as number));
  child.kill();
}

// CALLS calls of `name` timed on the wire: the first and the second each after IDLE_MS of quiet (a
// call after a quiet spell costs more, first or not: like is compared with like), then the rest.
async function timedCalls(ours: Started, name: string, args: () => Record<string, unknown>, s: Samples): Promise<void> {
  for (let i = 0; i < CALLS; i += 1) {
    if (i < 2) await sleep(IDLE_MS);
    const result = await ours.client.callTool({ name, arguments: args() });
    push(s, `${name}:${["first", "second"][i] ?? "later"}`, ...ours.answered("tools/call"));
    if (result.isError === true) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
  }
}

async function launch3(s: Started, tag: string): Promise<{ ms: number[]; ids: string[] }> {
  const ids = await Promise.all(
    PROVIDERS.map(async (provider) => {
      const result = await s.client.callTool({ name: "launch_agent", arguments: { provider, prompt: `serve ${tag}` } });
      if (result.isError === true) throw new Error(`launch_agent ${provider}: ${JSON.stringify(result.content)}`);
      return (result.structuredContent as { agent_id: string }).agent_id;
    }),
  );
  const ms = s.answered("tools/call");
  await s.client.callTool({ name: "wait", arguments: { agent_ids: ids, mode: "all", timeout_s: 120 } }, undefined, { timeout: 200_000 });
  s.answered("tools/call");
  return { ms, ids };
}

type Samples = Record<string, number[]>;
const push = (s: Samples, key: string, ...values: number[]): void => {
  (s[key] ??= []).push(...values);
};

// Ours: start, idle, RSS; the read-only tools' first and later calls; launches, first and later.
async function oursRun(env: Record<string, string>, cwd: string, run: number, s: Samples): Promise<void> {
  const ours = await startServer([serverBin, "mcp"], env, cwd);
  push(s, "init", ours.initializeMs);
  push(s, "list", ours.toolsListMs);
  push(s, "ready", ours.toolsReadyMs);
  await sleep(IDLE_MS);
  push(s, "rss", rssMb(ours.pid));
  // Each tool's first call then comes after a further quiet spell (timedCalls).
  await timedCalls(ours, "list_agents", () => ({}), s);
  await timedCalls(ours, "wait", () => ({ timeout_s: 1 }), s);
  // poll_agent needs an agent: its first call comes once the first launches' turns are done.
  const first = await launch3(ours, `${run}a`);
  push(s, "launch1", ...first.ms);
  await timedCalls(ours, "poll_agent", () => ({ agent_id: first.ids[0] }), s);
  push(s, "launchN", ...(await launch3(ours, `${run}b`)).ms);
  await ours.client.close();
}

async function floorRun(file: string, env: Record<string, string>, cwd: string, s: Samples): Promise<void> {
  const floor = await startServer([file], env, cwd);
  push(s, "floorInit", floor.initializeMs);
  push(s, "floorList", floor.toolsListMs);
  push(s, "floorReady", floor.toolsReadyMs);
  await sleep(IDLE_MS);
  push(s, "floorRss", rssMb(floor.pid));
  await Promise.all([1, 2, 3].map((n) => floor.client.callTool({ name: "echo", arguments: { text: `echo ${n}` } })));
  push(s, "floorCalls", ...floor.answered("tools/call"));
  await floor.client.close();
}

const round = (x: number, to = 100): number => Math.round(x * to) / to;
// A tool's first call on a fresh server beside its second (each after a quiet spell) and its later ones.
function firstAndLater(s: Samples, name: string) {
  const [first, second, later] = ["first", "second", "later"].map((k) => summarize(s[`${name}:${k}`] ?? [])) as [Summary, Summary, Summary];
  return { first, second, later, ratio: round(first.median / second.median) };
}

/** Bare node, the floor and ours, `runs` times each in a rotating order, all with one environment. */
export async function serveBench(runs: number) {
  const fakes = await startAllFakes();
  const loop = await loopbackEnv(fakes);
  const carried = Object.fromEntries(CARRIED.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])));
  const env = { ...serverEnv(loop), ...carried };
  const s: Samples = {};
  const floorDir = mkdtempSync(join(tmpdir(), "subagent-mcp-floor-"));
  try {
    const floorFile = await bundleFloor(floorDir);
    // Each run's own state folder: a fresh server finds no agents of the runs before it in its journal.
    const sides = [
      (e: Record<string, string>) => bareNode(e, loop.cwd, s),
      (e: Record<string, string>) => floorRun(floorFile, e, loop.cwd, s),
      (e: Record<string, string>, run: number) => oursRun(e, loop.cwd, run, s),
    ];
    for (let i = 0; i < runs; i += 1) {
      const e = { ...env, XDG_STATE_HOME: join(loop.home, `state-${i}`) };
      for (let k = 0; k < sides.length; k += 1) await (sides[(i + k) % sides.length] as (e: Record<string, string>, run: number) => Promise<void>)(e, i);
    }
  } finally {
    await Promise.all(Object.values(fakes).map((f) => f.stop()));
    await loop.cleanup();
    rmSync(floorDir, { recursive: true, force: true });
  }
  const m = (key: string): Summary => summarize(s[key] ?? []);
  const [bare, floorInit, init, bareRss, floorRss, rss] = [m("bare"), m("floorInit"), m("init"), m("bareRss"), m("floorRss"), m("rss")];
  const firstCalls = { list_agents: firstAndLater(s, "list_agents"), wait: firstAndLater(s, "wait"), poll_agent: firstAndLater(s, "poll_agent") };
  const initializeVsFloor = round(init.median / floorInit.median);
  const idleOverFloorMb = round(rss.median - floorRss.median, 10);
  const [firstLaunch3, laterLaunch3] = [m("launch1"), m("launchN")];
  const pass = (ok: boolean): Pass => (ok ? "PASS" : "FAIL");
  // A bare node's start is spawn -> its first byte, a server's spawn -> initialize answered; RSS is
  // read after 2 s idle (a server's after initialize and tools/list); "over" is a median less
  // another, "vs" a median over another; tool calls are timed on the wire.
  return {
    environment: { variables: Object.keys(env).sort(), carried },
    bareNodeStartMs: bare,
    floorInitializeMs: floorInit,
    initializeMs: init,
    initializeVsFloor,
    initializeOverFloorMs: round(init.median - floorInit.median, 10),
    initializeVsBare: round(init.median / bare.median),
    toolsListMs: m("list"),
    floorToolsListMs: m("floorList"),
    toolsReadyMs: m("ready"),
    floorToolsReadyMs: m("floorReady"),
    toolsReadyVsFloor: round(m("ready").median / m("floorReady").median),
    bareNodeRssMb: bareRss,
    floorRssMb: floorRss,
    idleRssMb: rss,
    idleOverFloorMb,
    idleOverBareMb: round(rss.median - bareRss.median, 10),
    floorOverBareMb: round(floorRss.median - bareRss.median, 10),
    floorCall3: m("floorCalls"),
    firstCalls,
    firstLaunch3,
    laterLaunch3,
    verdict: {
      initializeVsFloor: pass(initializeVsFloor <= SERVE_TARGETS.initializeVsFloor),
      idleOverFloorMb: pass(idleOverFloorMb <= SERVE_TARGETS.idleOverFloorMb),
      firstLaunch: pass(firstLaunch3.median < SERVE_TARGETS.firstLaunchMs),
      laterLaunch: pass(laterLaunch3.median < SERVE_TARGETS.laterLaunchMs),
      firstCalls: pass(Object.values(firstCalls).every((c) => c.ratio <= SERVE_TARGETS.firstVsLater)),
    },
  };
}
