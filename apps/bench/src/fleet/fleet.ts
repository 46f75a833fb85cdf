import type { Driver } from "@subagent-mcp/core";
import { FleetClient, Signer, startNode } from "@subagent-mcp/fleet";
import { connectRedis } from "@subagent-mcp/mailbox-redis";
import { startRedisServer, type CliName as Provider } from "@subagent-mcp/testkit";
import { rig, startSession, type Rig } from "../sessions.js";
import { summarize, type Summary } from "../stats.js";

/** The same CLI run here and on a node of the fleet (loopback Redis), side by side. */
export interface FleetResult {
  provider: Provider;
  /** Launch -> the CLI's first model request reaches its fake (ms). */
  firstRequest: { local: Summary; remote: Summary };
  /** A follow-up in a warm session: send -> turn end (ms). */
  followUp: { local: Summary; remote: Summary };
}

// Starts a session through `driver` and times its first model request and its follow-ups.
async function measure(r: Rig, driver: Driver, runs: number, followUps: number): Promise<{ first: number[]; follow: number[] }> {
  const first: number[] = [];
  const follow: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    let t0 = 0;
    const reached = new Promise<number>((resolve) => {
      r.fake.script((request) => {
        if (request.lastUserText.includes(`first ${i}`)) resolve(performance.now() - t0);
        return undefined;
      });
    });
    t0 = performance.now();
    const s = startSession({ ...r, driver });
    try {
      const turn = s.turn(`first ${i}`);
      first.push(await reached);
      r.fake.script(undefined);
      await turn;
      for (let j = 0; j < followUps; j += 1) follow.push(await s.turn(`follow-up ${i}.${j}`));
    } finally {
      await s.session.kill();
    }
  }
  return { first, follow };
}

/** Runs `provider` locally and on a node (in this process, over a real redis-server on 127.0.0.1). */
export async function fleetBench(provider: Provider, runs: number, followUps: number): Promise<FleetResult> {
  const r = await rig(provider);
  const redis = await startRedisServer();
  const key = "bench-fleet-key-0123456789abcdef";
  const nodeConn = (await connectRedis({ url: redis.url })).redis;
  const clientConn = (await connectRedis({ url: redis.url })).redis;
  const node = await startNode({
    redis: nodeConn,
    signer: new Signer(key),
    name: "bench",
    providers: { [provider]: { driver: r.driver, version: "pinned", cap: 4 } },
    ceiling: { roots: [r.env.cwd] },
  });
  const client = new FleetClient(clientConn, new Signer(key));
  try {
    const local = await measure(r, r.driver, runs, followUps);
    const remote = await measure(r, (await client.driverOn("bench", provider)).driver, runs, followUps);
    return {
      provider,
      firstRequest: { local: summarize(local.first), remote: summarize(remote.first) },
      followUp: { local: summarize(local.follow), remote: summarize(remote.follow) },
    };
  } finally {
    await client.close();
    await node.close();
    clientConn.disconnect();
    nodeConn.disconnect();
    await redis.stop();
    await r.close();
  }
}
