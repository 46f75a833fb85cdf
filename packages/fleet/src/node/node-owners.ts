import type { Session } from "@subagent-mcp/core";
import type { Redis } from "ioredis";
import { dropSilentOwners, LOST_AFTER_MS, ownerTimes } from "../redis/registry.js";
import { STREAM_TTL_MS } from "../redis/keys.js";
import type { Signer } from "../protocol/sign.js";

/** What the sweep needs of an agent the node hosts. */
export interface Owned {
  owner: string;
  outlive: boolean;
  orphaned?: boolean;
  record: { busy: boolean };
  ready: Promise<void>;
  session: Session | undefined;
}

/**
 * Which orchestrators are alive, for the node: an owner's time is the latest of its signed
 * heartbeats (verified under the fleet key, bound to its id) and of when the node last heard from
 * it (the first sweep after it launched an agent here, or after one was taken back at a restart). A record deleted, aged or forged by
 * a Redis writer counts as no heartbeat: it can neither make a live orchestrator look gone before
 * its grace is over, nor keep a gone one alive.
 */
/** Every this many sweeps, the records of orchestrators gone longer than the streams' TTL are removed (the sweeps between read only this node's owners). */
const CLEAN_EVERY = 30;

export class OwnerWatch {
  readonly #last = new Map<string, number>();
  #sweeps = 0;
  // Heartbeats are judged only after a full window of our connection being up (a Redis restart leaves them all old for a moment).
  #readySince = Date.now();

  constructor(
    private readonly redis: Redis,
    private readonly signer: Signer,
    private readonly log: (line: string) => void,
  ) {
    redis.on("ready", () => {
      this.#readySince = Date.now();
    });
  }

  /**
   * Owners whose heartbeat stopped lose their agents here, unless these were launched to outlive
   * them (those end after their turn). Records of owners gone longer than the streams' TTL are removed (every CLEAN_EVERY sweeps).
   * `waiting` are the owners of launches queued here; the owners found gone are returned.
   */
  async sweep(hosted: Map<string, Owned>, waiting: string[] = []): Promise<Set<string>> {
    const gone = new Set<string>();
    if ((hosted.size === 0 && waiting.length === 0) || Date.now() - this.#readySince < LOST_AFTER_MS) return gone;
    const owners = new Set([...[...hosted.values()].map((h) => h.owner), ...waiting]);
    // Only the heartbeats of this node's owners: what a sweep reads does not grow with the fleet's orchestrators.
    const times = await ownerTimes(this.redis, this.signer, [...owners]);
    const now = Date.now();
    if (++this.#sweeps % CLEAN_EVERY === 0) await dropSilentOwners(this.redis, this.signer, STREAM_TTL_MS);
    // An owner first seen now (a launch, an agent taken back after a restart) has a full grace from now.
    for (const owner of owners) if (!this.#last.has(owner)) this.#last.set(owner, now);
    for (const [owner, at] of times) if (at > (this.#last.get(owner) ?? Infinity)) this.#last.set(owner, at);
    for (const owner of owners) if (now - (this.#last.get(owner) ?? 0) > LOST_AFTER_MS) gone.add(owner);
    for (const [agent, entry] of hosted) {
      if (!gone.has(entry.owner) || entry.orphaned === true) continue;
      entry.orphaned = true;
      if (!entry.outlive) {
        this.log(`${agent}: its orchestrator ${entry.owner} went away; ending it`);
        void entry.ready.then(() => entry.session?.kill());
      } else if (!entry.record.busy) {
        this.log(`${agent}: its orchestrator ${entry.owner} went away; launched to outlive it, it has no turn under way: ending it`);
        void entry.ready.then(() => entry.session?.close());
      } else this.log(`${agent}: its orchestrator ${entry.owner} went away; launched to outlive it, it ends after its turn`);
    }
    for (const owner of this.#last.keys()) if (!owners.has(owner)) this.#last.delete(owner);
    return gone;
  }
}
