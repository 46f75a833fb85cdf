import type { LaunchAgentResult as Launched, WaitResult as WaitOut } from "@subagent-mcp/contract";
import { OWNERS } from "@subagent-mcp/fleet";
import { setTimeout as sleep } from "node:timers/promises";
import { rssMb } from "../mcp-rig.js";
import { commandCalls, fleetRig, perAgentRates, PROVIDER, round, type FleetRig } from "./scale-fleet-rig.js";
import { summarize, type Summary } from "../stats.js";

/** What a fleet of K nodes with M agents each costs Redis, the nodes and the events. */
export interface ScaleFleetResult {
  nodes: number;
  agentsPerNode: number;
  provider: string;
  turnIntervalMs: number;
  /** Redis commands per agent per second (total and by command): agents idle (heartbeats only), then each taking turns. */
  redisPerAgentPerS: { idle: Record<string, number>; busy: Record<string, number> };
  /** Turns the agents finished in the busy phase, per agent per second. */
  turnsPerAgentPerS: number;
  /** Size of one node's signed heartbeat record and of the orchestrator's, bytes; per node per second at one beat each 2 s. */
  heartbeat: { nodeRecordBytes: number; ownerRecordBytes: number; nodeBytesPerS: number };
  /** Model response end -> `wait` returns, ms: under the busy fleet, then one agent at a time on a node and here. */
  eventLag: { busy: Summary; quietRemote: Summary; quietLocal: Summary };
  /** Resident memory of each node process (not its CLIs), MB, before its agents and with them; per agent. */
  nodeRss: { idleMb: number[]; withAgentsMb: number[]; perAgentMb: number };
  orchestratorRss: { idleMb: number; withAgentsMb: number; perAgentMb: number };
}

const NODES_HASH = "subagent-mcp:fleet:nodes";
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

// The end of the model's response to the turn holding `marker`, by the fake's clock (this process's).
function responseEnd(r: FleetRig, marker: string): number {
  const q = [...r.fake.requests].reverse().find((x) => x.lastUserText.includes(marker) && x.reply !== "json");
  if (q?.endedAt === undefined) throw new Error(`no finished model response for ${marker}`);
  return q.endedAt;
}

// One turn of `id`: sent, waited for; its lag from the response's end to wait's return.
async function turn(r: FleetRig, id: string, marker: string): Promise<number> {
  await r.orchestrator.call("send_message", { agent_id: id, message: `[[slow:200]] ${marker}` });
  const done = await r.orchestrator.call<WaitOut>("wait", { agent_ids: [id], timeout_s: 120 });
  const returned = performance.now();
  if (done.finished[0]?.is_error !== false) throw new Error(`turn ${marker} failed: ${JSON.stringify(done)}`);
  return returned - responseEnd(r, marker);
}

// Each agent takes a turn every `intervalMs` or so (jittered) until `until`.
async function busy(r: FleetRig, ids: string[], intervalMs: number, until: number): Promise<number[]> {
  const lags: number[] = [];
  await Promise.all(
    ids.map(async (id, i) => {
      for (let k = 0; ; k++) {
        await sleep(intervalMs * (0.5 + Math.random()));
        if (performance.now() >= until) return;
        lags.push(await turn(r, id, `busy-${String(i)}-${String(k)}`));
      }
    }),
  );
  return lags;
}

// M agents launched on each node (a few at a time), their first turns waited for.
async function launchAll(r: FleetRig, perNode: number): Promise<string[]> {
  const ids: string[] = [];
  for (const node of r.nodes)
    for (let i = 0; i < perNode; i += 5) {
      const batch = Array.from({ length: Math.min(5, perNode - i) }, (_, j) => i + j);
      const launched = await Promise.all(
        batch.map((j) =>
          r.orchestrator.call<Launched>("launch_agent", {
            provider: PROVIDER,
            machine: node.name,
            cwd: node.env.cwd,
            prompt: `agent ${node.name}.${String(j)}`,
          }),
        ),
      );
      ids.push(...launched.map((l) => l.agent_id));
      await r.orchestrator.call("wait", { agent_ids: launched.map((l) => l.agent_id), mode: "all", timeout_s: 300 });
    }
  return ids;
}

// One agent at a time, `runs` turns, on the first node and here.
async function quiet(r: FleetRig, runs: number): Promise<{ remote: number[]; local: number[] }> {
  const first = r.nodes[0] as FleetRig["nodes"][number];
  const remoteId = (
    await r.orchestrator.call<Launched>("launch_agent", { provider: PROVIDER, machine: first.name, cwd: first.env.cwd, prompt: "quiet remote" })
  ).agent_id;
  const localId = (await r.orchestrator.call<Launched>("launch_agent", { provider: PROVIDER, prompt: "quiet local" })).agent_id;
  await r.orchestrator.call("wait", { agent_ids: [remoteId, localId], mode: "all", timeout_s: 300 });
  const remote: number[] = [];
  const local: number[] = [];
  for (let i = 0; i < runs; i++) {
    remote.push(await turn(r, remoteId, `quiet-remote-${String(i)}`));
    local.push(await turn(r, localId, `quiet-local-${String(i)}`));
  }
  return { remote, local };
}

// Redis command rates per agent over `seconds` while `during` runs.
async function rates(r: FleetRig, agents: number, seconds: number, during: Promise<unknown>): Promise<Record<string, number>> {
  const before = await commandCalls(r.admin);
  const t0 = performance.now();
  await during;
  const after = await commandCalls(r.admin);
  return perAgentRates(before, after, agents, Math.max(seconds, (performance.now() - t0) / 1000));
}

async function heartbeatSizes(r: FleetRig): Promise<ScaleFleetResult["heartbeat"]> {
  const nodeBytes = await Promise.all(r.nodes.map((n) => r.admin.hstrlen(NODES_HASH, n.name)));
  const owners = Object.values(await r.admin.hgetall(OWNERS)).map((v) => Buffer.byteLength(v));
  const nodeRecordBytes = Math.max(...nodeBytes);
  return { nodeRecordBytes, ownerRecordBytes: Math.max(0, ...owners), nodeBytesPerS: round(nodeRecordBytes / 2, 1) };
}

/**
 * K nodes (SUBAGENT_MCP_BENCH_FLEET_NODES, default 4) with M agents each (..._FLEET_AGENTS, 25), one orchestrator:
 * Redis commands per agent idle then busy (a turn every ..._FLEET_INTERVAL_MS, 3000, for ..._FLEET_SECONDS, 30),
 * heartbeat sizes, event lag under load and alone, and each node's memory per agent.
 */
export async function scaleFleetBench(runs: number): Promise<ScaleFleetResult> {
  const [k, m] = [env("SUBAGENT_MCP_BENCH_FLEET_NODES", 4), env("SUBAGENT_MCP_BENCH_FLEET_AGENTS", 25)];
  const intervalMs = env("SUBAGENT_MCP_BENCH_FLEET_INTERVAL_MS", 3000);
  const seconds = env("SUBAGENT_MCP_BENCH_FLEET_SECONDS", 30);
  const r = await fleetRig(k, m + 1);
  try {
    const idleRss = r.nodes.map((n) => rssMb(n.pid));
    const orchIdle = rssMb(r.orchestrator.pid);
    const ids = await launchAll(r, m);
    const idleSeconds = Math.max(10, seconds / 3);
    const idle = await rates(r, ids.length, idleSeconds, sleep(idleSeconds * 1000));
    const withRss = r.nodes.map((n) => rssMb(n.pid));
    const orchWith = rssMb(r.orchestrator.pid);
    const heartbeat = await heartbeatSizes(r);
    let lags: number[] = [];
    const busyRates = await rates(
      r,
      ids.length,
      seconds,
      busy(r, ids, intervalMs, performance.now() + seconds * 1000).then((l) => (lags = l)),
    );
    const q = await quiet(r, runs);
    const perAgent = (a: number[], b: number[]): number => round((b.reduce((x, y) => x + y, 0) - a.reduce((x, y) => x + y, 0)) / ids.length, 2);
    return {
      nodes: k,
      agentsPerNode: m,
      provider: PROVIDER,
      turnIntervalMs: intervalMs,
      redisPerAgentPerS: { idle, busy: busyRates },
      turnsPerAgentPerS: round(lags.length / ids.length / seconds),
      heartbeat,
      eventLag: { busy: summarize(lags), quietRemote: summarize(q.remote), quietLocal: summarize(q.local) },
      nodeRss: { idleMb: idleRss, withAgentsMb: withRss, perAgentMb: perAgent(idleRss, withRss) },
      orchestratorRss: { idleMb: orchIdle, withAgentsMb: orchWith, perAgentMb: round((orchWith - orchIdle) / ids.length, 2) },
    };
  } finally {
    await r.close();
  }
}
