import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import { processAlive, selfRef } from "@subagent-mcp/state";
import { z } from "zod";
import { FleetError } from "../errors.js";
import { leaseKey } from "./keys.js";
import { HEARTBEAT_MS, LOST_AFTER_MS } from "./registry.js";

/** How long a node's lease on its name lasts unless renewed (with each heartbeat): a crashed node's is free after it. */
export const LEASE_MS = LOST_AFTER_MS;

// `start` (the process's start time, from /proc) tells our pid from a later process that got it; leases of older versions have none.
const HolderSchema = z.object({ token: z.string(), host: z.string(), pid: z.number(), start: z.string().optional(), since: z.number() });
type Holder = z.infer<typeof HolderSchema>;

// Renews our lease; takes it again if it is gone (Redis restarted empty). 1 renewed, 2 taken again, 0 another holds it.
const RENEW = `
local held = redis.call("GET", KEYS[1])
if held == ARGV[1] then redis.call("PEXPIRE", KEYS[1], ARGV[2]) return 1 end
if not held then redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2]) return 2 end
return 0`;
// Replaces the exact value `from` with ours (a takeover), or removes ours (`to` empty): never another's.
const SWAP = `
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == "" then redis.call("DEL", KEYS[1]) else redis.call("SET", KEYS[1], ARGV[2], "PX", ARGV[3]) end
return 1`;

/** The single-instance lease a node holds on its name while it runs. */
export interface Lease {
  /** Renews it; false once another process holds the name (this one must stop reading). */
  renew(): Promise<boolean>;
  /** Frees the name (only if it is still ours). */
  release(): Promise<void>;
  /** Who holds it now, for a message. */
  holder(): Promise<string>;
}

/**
 * Takes the lease on a node's name (SET NX PX with a random token), so that two processes never
 * read one command stream (they would split its commands and lose follow-ups). A lease held by a
 * process that renews it is refused with NAME_TAKEN naming its host and pid as soon as a renewal
 * is seen; one left by a previous run on this host whose process is gone (ended, a zombie, or its
 * pid now another process's: the holder keeps its start time) is taken over at once;
 * one left by a process elsewhere that stopped renewing is taken once it expires (LEASE_MS at most).
 */
export async function acquireLease(redis: Redis, name: string, log: (line: string) => void = () => undefined): Promise<Lease> {
  const key = leaseKey(name);
  const value = JSON.stringify({ token: randomBytes(16).toString("hex"), host: hostname(), ...selfRef(), since: Date.now() } satisfies Holder);
  const lease: Lease = {
    renew: async () => Number(await redis.eval(RENEW, 1, key, value, LEASE_MS)) !== 0,
    release: async () => {
      await redis.eval(SWAP, 1, key, value, "", 0);
    },
    holder: async () => describe(await redis.get(key)),
  };
  const deadline = Date.now() + LEASE_MS + HEARTBEAT_MS;
  let last: { raw: string; ttl: number } | undefined;
  let waiting = false;
  for (;;) {
    if ((await redis.set(key, value, "PX", LEASE_MS, "NX")) === "OK") return lease;
    const [[, raw], [, ttl]] = ((await redis.multi().get(key).pttl(key).exec()) ?? []) as [[unknown, string | null], [unknown, number]];
    if (raw === null) continue;
    const other = parse(raw);
    if (other !== undefined && other.host === hostname() && other.pid !== process.pid && !processAlive(other)) {
      if (Number(await redis.eval(SWAP, 1, key, raw, value, LEASE_MS)) === 1) {
        log(`took over the name from a previous run here (pid ${other.pid}) that is gone`);
        return lease;
      }
      continue;
    }
    // Its time went up since the last look: its holder renewed it, so it is alive.
    if ((last?.raw === raw && ttl > last.ttl) || Date.now() > deadline)
      throw new FleetError("NAME_TAKEN", `the machine name "${name}" is taken: ${describe(raw)}; stop that node, or give this one another --name`);
    if (!waiting) log(`the name is held by ${describe(raw)}; waiting up to ${Math.round(LEASE_MS / 1000)} s for it to renew (live) or expire (gone)`);
    waiting = true;
    last = { raw, ttl };
    await new Promise((r) => setTimeout(r, 200));
  }
}

function parse(raw: string): Holder | undefined {
  try {
    return HolderSchema.parse(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

function describe(raw: string | null): string {
  if (raw === null) return "no one";
  const h = parse(raw);
  return h === undefined ? "an unreadable lease" : `a node on ${h.host} (pid ${h.pid}) running since ${new Date(h.since).toISOString()}`;
}
