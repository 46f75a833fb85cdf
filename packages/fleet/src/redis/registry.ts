import type { Redis } from "ioredis";
import { FleetError } from "../errors.js";
import { NODES } from "./keys.js";
import { NodeInfoSchema, type NodeInfo } from "@subagent-mcp/contract";
import type { Signer } from "../protocol/sign.js";

/** How often a node (and an orchestrator with remote agents) says it is alive. */
export const HEARTBEAT_MS = 2_000;
/** A node or orchestrator silent this long is gone: its agents end (well within the 30 s a `wait` may take to learn it). */
export const LOST_AFTER_MS = 10_000;
/** The orchestrators' signed heartbeats, by id: a node ends the agents of one that went away. */
export const OWNERS = "subagent-mcp:fleet:owners";

/** Writes an orchestrator's signed heartbeat: its id and time, under the fleet key. */
export async function ownerBeat(redis: Redis, signer: Signer, owner: string): Promise<void> {
  const [, m, , sig] = signer.seal({ owner }, owner);
  await redis.hset(OWNERS, owner, JSON.stringify({ m, sig }));
}

/**
 * The time of each orchestrator's last heartbeat that verifies and is its own (signed under the
 * fleet key, bound to that id): a record written by anyone else, or copied from another owner's
 * field, counts as no heartbeat. `owners`: only theirs (a node asks about the owners of its agents,
 * not about every orchestrator of the fleet); without it, every record.
 */
export async function ownerTimes(redis: Redis, signer: Signer, owners?: readonly string[]): Promise<Map<string, number>> {
  if (owners?.length === 0) return new Map();
  const raws: [string, string | null][] =
    owners === undefined ? Object.entries(await redis.hgetall(OWNERS)) : (await redis.hmget(OWNERS, ...owners)).map((raw, i) => [owners[i] as string, raw]);
  const out = new Map<string, number>();
  for (const [owner, raw] of raws) {
    if (raw === null) continue;
    try {
      const { m, sig } = JSON.parse(raw) as { m: string; sig: string };
      const body = signer.verify(["m", m, "sig", sig]);
      if (body.owner === owner && body.to === owner && typeof body.at === "number") out.set(owner, body.at);
    } catch {
      // not signed with the fleet key: no heartbeat
    }
  }
  return out;
}

/** Removes the records of orchestrators silent for more than `ms` (or whose record does not verify). */
export async function dropSilentOwners(redis: Redis, signer: Signer, ms: number): Promise<void> {
  const times = await ownerTimes(redis, signer);
  const now = Date.now();
  const old = (await redis.hkeys(OWNERS)).filter((owner) => now - (times.get(owner) ?? 0) > ms);
  if (old.length > 0) await redis.hdel(OWNERS, ...old);
}

/** Writes a node's signed heartbeat. */
export async function beat(redis: Redis, signer: Signer, info: NodeInfo): Promise<void> {
  const [, m, , sig] = signer.seal(info);
  await redis.hset(NODES, info.name, JSON.stringify({ m, sig }));
}

/** The live nodes (signed heartbeat within LOST_AFTER_MS), least loaded first; forged or stale entries are left out. */
export async function liveNodes(redis: Redis, signer: Signer, now = Date.now()): Promise<NodeInfo[]> {
  const all = await redis.hgetall(NODES);
  const live: NodeInfo[] = [];
  for (const raw of Object.values(all)) {
    const info = readBeat(raw, signer);
    if (info !== undefined && now - info.at <= LOST_AFTER_MS) live.push(info);
  }
  return live.sort((a, b) => a.load - b.load || a.name.localeCompare(b.name));
}

/** The last heartbeat of one node, live or not, if it has one that verifies. */
export async function lastBeat(redis: Redis, signer: Signer, name: string): Promise<NodeInfo | undefined> {
  const raw = await redis.hget(NODES, name);
  return raw === null ? undefined : readBeat(raw, signer);
}

function readBeat(raw: string, signer: Signer): NodeInfo | undefined {
  try {
    const { m, sig } = JSON.parse(raw) as { m: string; sig: string };
    // Heartbeats are read many times: the replay check does not apply to them, only the signature and schema.
    return NodeInfoSchema.parse(signer.verify(["m", m, "sig", sig]));
  } catch {
    return undefined;
  }
}

/**
 * Where a launch goes: the named machine if it is live and runs the provider, or for "any" the
 * least loaded live node with a free slot for it. Throws UNKNOWN_MACHINE / NO_SLOT naming the live ones.
 */
export function place(nodes: NodeInfo[], machine: string, provider: string): NodeInfo {
  const names = nodes.map((n) => n.name).join(", ") || "none";
  if (machine !== "any") {
    const node = nodes.find((n) => n.name === machine);
    if (node === undefined) throw new FleetError("UNKNOWN_MACHINE", `no live machine "${machine}"; the live machines are ${names}`);
    if (!node.providers.some((p) => p.provider === provider))
      throw new FleetError(
        "REFUSED",
        `machine "${machine}" does not run ${provider}; it runs ${node.providers.map((p) => p.provider).join(", ") || "nothing"}`,
      );
    return node;
  }
  const free = (n: NodeInfo): number => n.providers.find((p) => p.provider === provider)?.free ?? 0;
  // Most free slots first, then the least loaded.
  const best = nodes.filter((n) => free(n) > 0).sort((a, b) => free(b) - free(a) || a.load - b.load)[0];
  if (best === undefined) throw new FleetError("NO_SLOT", `no live machine has a free ${provider} slot; the live machines are ${names}`);
  return best;
}
