import { spawn, type ChildProcess } from "node:child_process";
import { hostname } from "node:os";
import { connectRedis } from "@subagent-mcp/mailbox-redis";
import { processRef, readStat } from "@subagent-mcp/state";
import { startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaseKey } from "../src/redis/keys.js";
import { acquireLease, LEASE_MS } from "../src/redis/lease.js";

// A lease left on this host names its holder by pid and start time: a holder that is a zombie (its
// parent never reaps it) or whose pid now names an unrelated process is gone, and its name is taken
// over at once; a holder that runs is never taken over.
let server: RedisServer;
let redis: Redis;
const started: ChildProcess[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  redis = (await connectRedis({ url: server.url })).redis;
});
afterAll(async () => {
  for (const p of started) p.kill("SIGKILL");
  redis.disconnect();
  await server.stop();
});

async function until(what: string, check: () => boolean): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A `sleep` under a parent that never reaps it; resolves with the sleep's pid. */
async function unreapedSleep(): Promise<number> {
  const parent = spawn("bash", ["-c", 'sleep 100000 & echo "$!"; exec sleep 100000'], { stdio: ["ignore", "pipe", "ignore"] });
  started.push(parent);
  let out = "";
  parent.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  await until("the child's pid", () => out.includes("\n"));
  // Until bash has become `sleep`, bash itself would reap a killed child: no zombie to see.
  await until("the parent to become sleep", () => readStat(parent.pid ?? 0)?.comm === "sleep");
  return Number(out.trim());
}

function sleeper(): number {
  const p = spawn("sleep", ["100000"], { stdio: "ignore" });
  started.push(p);
  return p.pid ?? 0;
}

async function leftBy(name: string, holder: { pid: number; start?: string }, ttl = LEASE_MS): Promise<string[]> {
  await redis.set(leaseKey(name), JSON.stringify({ token: "t", host: hostname(), ...holder, since: 0 }), "PX", ttl);
  const lines: string[] = [];
  const lease = await acquireLease(redis, name, (l) => lines.push(l));
  await lease.release();
  return lines;
}

describe("a lease left on this host", () => {
  it("records the holder's start time", async () => {
    const lease = await acquireLease(redis, "lease-start");
    expect(JSON.parse((await redis.get(leaseKey("lease-start"))) ?? "{}")).toMatchObject({ pid: process.pid, start: readStat(process.pid)?.start });
    await lease.release();
  });

  it("is taken over at once from a holder SIGKILLed and left a zombie", async () => {
    const pid = await unreapedSleep();
    const ref = processRef(pid);
    process.kill(pid, "SIGKILL");
    await until("the holder to be a zombie", () => readStat(pid)?.state === "Z");
    expect(await leftBy("lease-zombie", { ...ref, pid })).toEqual([`took over the name from a previous run here (pid ${String(pid)}) that is gone`]);
  });

  it("is taken over at once when its pid now names an unrelated process (another start time)", async () => {
    const pid = sleeper();
    await until("sleep to run", () => readStat(pid) !== undefined);
    const start = String(Number(readStat(pid)?.start) - 1);
    expect(await leftBy("lease-reused", { pid, start })).toEqual([`took over the name from a previous run here (pid ${String(pid)}) that is gone`]);
  });

  it("is not taken over while its holder runs (same pid and start): it is waited for", async () => {
    const pid = sleeper();
    await until("sleep to run", () => readStat(pid) !== undefined);
    const lines = await leftBy("lease-live", { pid, start: readStat(pid)?.start ?? "" }, 300);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("the name is held by a node on");
  });
});
