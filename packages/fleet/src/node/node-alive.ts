import type { Redis } from "ioredis";
import { commandStream, STREAM_TTL_MS } from "../redis/keys.js";
import type { Lease } from "../redis/lease.js";
import type { NodeInfo } from "@subagent-mcp/contract";
import { beat, HEARTBEAT_MS } from "../redis/registry.js";
import type { Signer } from "../protocol/sign.js";

/** What a node's heartbeat needs of it. */
export interface AliveOptions {
  redis: Redis;
  signer: Signer;
  name: string;
  lease: Lease;
  info: () => NodeInfo;
  /** Judges its agents' orchestrators, with each heartbeat. */
  sweep: () => Promise<void>;
  log: (line: string) => void;
  /** Another process holds its name now: the node must stop. */
  lost: (why: string) => void;
}

/**
 * Says now, and every HEARTBEAT_MS, that the node is alive: its lease renewed (taken again after
 * Redis restarted empty), its signed heartbeat, its command stream's TTL refreshed; then sweeps.
 * `beat` says it at once (after its stream was made again); `stop` ends the heartbeat.
 */
export async function keepAlive(options: AliveOptions): Promise<{ beat: () => Promise<void>; stop: () => void }> {
  const { redis, signer, name, lease, log } = options;
  let gone = false;
  const alive = async (): Promise<void> => {
    if (gone) return;
    if (!(await lease.renew())) {
      gone = true;
      const why = `another node now holds the name "${name}" (${await lease.holder()})`;
      log(`${why}: stopping`);
      options.lost(why);
      return;
    }
    await beat(redis, signer, options.info());
    await redis.pexpire(commandStream(name), STREAM_TTL_MS);
  };
  await alive();
  const timer = setInterval(() => {
    void alive().catch((error: unknown) => {
      log(`heartbeat failed: ${String(error)}`);
    });
    void options.sweep().catch(() => undefined);
  }, HEARTBEAT_MS);
  return {
    beat: alive,
    stop: () => {
      clearInterval(timer);
    },
  };
}
