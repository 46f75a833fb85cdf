// What a host pays for our server before any work, against the least a server on the official MCP
// SDK pays (floor-server.ts) and a bare `node`: each of the three started by the same spawn, with the
// same environment, in the same minute, in an order that rotates from run to run, so that no side
// carries a cost the others do not (a CA bundle loaded by every node process, a busier moment).
// Then what the host does next on a fresh server: the first call of each read-only tool beside its
// later calls, and the first `launch_agent` calls (three at once, as a host fans out) beside later ones.
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
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { BuiltinProvider as Provider } from "@subagent-mcp/contract";

const PROVIDERS: Provider[] = ["claude", "codex", "gemini"];
/** The targets a fresh server is held to, each against the floor or its own later calls in the same run. */
export const SERVE_TARGETS = { initializeVsFloor: 1.2, idleOverFloorMb: 4, firstLaunchMs: 15, laterLaunchMs: 10, firstVsLater: 2 } as const;
/** How long each idle process sits before its RSS is read. */
const IDLE_MS = 2_000;
/** Calls of each read-only tool per run: the first, then the later ones. */
const CALLS = 10;
/**
 * Variables of the host's own environment that change how any node process starts, carried into all
 * three alike (a host passes its environment on): a CA bundle costs every node ~40 ms to load.
 */
const CARRIED = ["NODE_EXTRA_CA_CERTS", "NODE_OPTIONS", "NODE_ICU_DATA"] as const;

type Pass = "PASS" | "FAIL";
/** A tool's first call on a fresh server beside its later calls. */
export interface FirstAndLater {
  first: Summary;
  later: Summary;
  /** Median first over median later. */
  ratio: number;
}

export interface ServeResults {
  /** What the three were started with: the variable names, and those carried from the bench's environment. */
  environment: { variables: string[]; carried: Record<string, string> };
  /** A bare `node` (spawn -> its first byte on stdout). */
  bareNodeStartMs: Summary;
  /** The floor: spawn -> `initialize` answered. */
  floorInitializeMs: Summary;
  /** `node <bin> mcp`: spawn -> `initialize` answered. */
  initializeMs: Summary;
  /** Ours over the floor: median over median, and the difference of the medians (ms). */
  initializeVsFloor: number;
  initializeOverFloorMs: number;
  /** Ours over a bare node (median over median). */
  initializeVsBare: number;
  /** `tools/list` right after `initialize`, ours and the floor's. */
  toolsListMs: Summary;
  floorToolsListMs: Summary;
  /** VmRSS after 2 s idle: a bare node; the floor and ours after initialize + tools/list (MB). */
  bareNodeRssMb: Summary;
  floorRssMb: Summary;
  idleRssMb: Summary;
  /** Ours less the floor, and less a bare node (median less median, MB). */
  idleOverFloorMb: number;
  idleOverBareMb: number;
  floorOverBareMb: number;
  /** The floor's one tool (an echo), called 3 at once right after its idle time (ms). */
  floorCall3: Summary;
  /** `list_agents`, `wait` (nothing to wait on) and `poll_agent` (an agent whose turn just finished): first call and later ones. */
  firstCalls: { list_agents: FirstAndLater; wait: FirstAndLater; poll_agent: FirstAndLater };
  /** The first `launch_agent` calls of a fresh server (3 at once), and 3 at once again once those are done. */
  firstLaunch3: Summary;
  laterLaunch3: Summary;
  verdict: { initializeVsFloor: Pass; idleOverFloorMb: Pass; firstLaunch: Pass; laterLaunch: Pass; firstCalls: Pass };
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

interface Started {
  client: Client;
  pid: number;
  initializeMs: number;
  toolsListMs: number;
  /** How long the server took to answer the last request of `method`: sent -> its answer read off the pipe. */
  answered(method: string): number[];
}

/**
 * Times requests on the wire: from the line going out to the answer coming in, before the client
 * handles it. The SDK client compiles a validator for every output schema a tools/list names and
 * runs one on each result: that is the client's time (ours lists 20-odd schemas, the floor one), not
 * the server's.
 */
function wireTimer(transport: StdioClientTransport): (method: string) => number[] {
  const sent = new Map<string | number, { method: string; at: number }>();
  const done: { method: string; ms: number }[] = [];
  const send = transport.send.bind(transport);
  transport.send = async (message: JSONRPCMessage) => {
    if ("method" in message && "id" in message) sent.set(message.id, { method: message.method, at: performance.now() });
    await send(message);
  };
  const wrap = (): void => {
    const handle = transport.onmessage;
    transport.onmessage = (message: JSONRPCMessage) => {
      const request = "id" in message && message.id !== undefined && !("method" in message) ? sent.get(message.id) : undefined;
      if (request !== undefined) done.push({ method: request.method, ms: performance.now() - request.at });
      handle?.(message);
    };
  };
  // The client sets onmessage in connect(); its start() comes after.
  const start = transport.start.bind(transport);
  transport.start = async () => {
    wrap();
    await start();
  };
  return (method) => done.splice(0).filter((d) => d.method === method).map((d) => d.ms);
}

// Spawn -> initialize answered, then tools/list, as a host does; the same for the floor and ours.
async function startServer(args: string[], env: Record<string, string>, cwd: string): Promise<Started> {
  const transport = new StdioClientTransport({ command: process.execPath, args, cwd, env, stderr: "ignore" });
  const answered = wireTimer(transport);
  const client = new Client({ name: "bench", version: "1" });
  const t0 = performance.now();
  await client.connect(transport);
  const initializeMs = performance.now() - t0;
  answered("initialize");
  await client.listTools();
  return { client, pid: transport.pid as number, initializeMs, toolsListMs: answered("tools/list")[0] as number, answered };
}

async function bareNode(env: Record<string, string>, cwd: string): Promise<{ startMs: number; rssMb: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ["-e", "process.stdout.write('up'); setInterval(() => {}, 1e9)"], { cwd, env, stdio: ["ignore", "pipe", "ignore"] });
  await new Promise((resolve) => child.stdout.once("data", resolve));
  const startMs = performance.now() - t0;
  await sleep(IDLE_MS);
  const rss = rssMb(child.pid as number);
  child.kill();
  return { startMs, rssMb: rss };
}

// Each call's time on the wire, in order; throws on an error result.
async function timedCalls(s: Started, name: string, args: () => Record<string, unknown>, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const result = await s.client.callTool({ name, arguments: args() });
    times.push(...s.answered("tools/call"));
    if (result.isError === true) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
  }
  return times;
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
  await sleep(IDLE_MS);
  push(s, "rss", rssMb(ours.pid));
  const [firstList, ...laterList] = await timedCalls(ours, "list_agents", () => ({}), CALLS);
  const [firstWait, ...laterWait] = await timedCalls(ours, "wait", () => ({ timeout_s: 1 }), CALLS);
  push(s, "list1", firstList as number);
  push(s, "listN", ...laterList);
  push(s, "wait1", firstWait as number);
  push(s, "waitN", ...laterWait);
  // poll_agent needs an agent: its first call comes once the first launches' turns are done.
  const first = await launch3(ours, `${run}a`);
  push(s, "launch1", ...first.ms);
  const [firstPoll, ...laterPoll] = await timedCalls(ours, "poll_agent", () => ({ agent_id: first.ids[0] }), CALLS);
  push(s, "poll1", firstPoll as number);
  push(s, "pollN", ...laterPoll);
  push(s, "launchN", ...(await launch3(ours, `${run}b`)).ms);
  await ours.client.close();
}

async function floorRun(file: string, env: Record<string, string>, cwd: string, s: Samples): Promise<void> {
  const floor = await startServer([file], env, cwd);
  push(s, "floorInit", floor.initializeMs);
  push(s, "floorList", floor.toolsListMs);
  await sleep(IDLE_MS);
  push(s, "floorRss", rssMb(floor.pid));
  await Promise.all([1, 2, 3].map((n) => floor.client.callTool({ name: "echo", arguments: { text: `echo ${n}` } })));
  push(s, "floorCalls", ...floor.answered("tools/call"));
  await floor.client.close();
}

const round = (x: number, to = 100): number => Math.round(x * to) / to;
function firstAndLater(first: number[] | undefined, later: number[] | undefined): FirstAndLater {
  const f = summarize(first ?? []);
  const l = summarize(later ?? []);
  return { first: f, later: l, ratio: round(f.median / l.median) };
}

/** Bare node, the floor and ours, `runs` times each in a rotating order, all with one environment. */
export async function serveBench(runs: number): Promise<ServeResults> {
  const fakes = await startAllFakes();
  const loop = await loopbackEnv(fakes);
  const carried = Object.fromEntries(CARRIED.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])));
  const env = { ...serverEnv(loop), ...carried };
  const s: Samples = {};
  const floorDir = mkdtempSync(join(tmpdir(), "subagent-mcp-floor-"));
  try {
    const floorFile = await bundleFloor(floorDir);
    const sides = [
      async () => {
        const b = await bareNode(env, loop.cwd);
        push(s, "bare", b.startMs);
        push(s, "bareRss", b.rssMb);
      },
      () => floorRun(floorFile, env, loop.cwd, s),
      (run: number) => oursRun(env, loop.cwd, run, s),
    ];
    for (let i = 0; i < runs; i += 1) for (let k = 0; k < sides.length; k += 1) await (sides[(i + k) % sides.length] as (run: number) => Promise<void>)(i);
  } finally {
    await Promise.all(Object.values(fakes).map((f) => f.stop()));
    await loop.cleanup();
    rmSync(floorDir, { recursive: true, force: true });
  }
  const m = (key: string): Summary => summarize(s[key] ?? []);
  const [bare, floorInit, init, bareRss, floorRss, rss] = [m("bare"), m("floorInit"), m("init"), m("bareRss"), m("floorRss"), m("rss")];
  const firstCalls = { list_agents: firstAndLater(s.list1, s.listN), wait: firstAndLater(s.wait1, s.waitN), poll_agent: firstAndLater(s.poll1, s.pollN) };
  const initializeVsFloor = round(init.median / floorInit.median);
  const idleOverFloorMb = round(rss.median - floorRss.median, 10);
  const [firstLaunch3, laterLaunch3] = [m("launch1"), m("launchN")];
  const pass = (ok: boolean): Pass => (ok ? "PASS" : "FAIL");
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
