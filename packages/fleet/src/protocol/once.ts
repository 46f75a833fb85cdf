import type { Redis } from "ioredis";
import { FleetError } from "../errors.js";
import { nonceKey } from "../redis/keys.js";

/**
 * Makes an opened message single-use across processes: its nonce is claimed in Redis (SET NX PX,
 * one atomic step, before acting on it) for as long as the signer would accept the message. A
 * replay after the reader restarted (its in-memory nonces lost), or onto another reader's stream,
 * finds the key and is refused with BAD_SIGNATURE. `by` is who took it (kept as the key's value).
 */
export async function claimOnce(redis: Redis, body: Record<string, unknown>, windowMs: number, by: string): Promise<void> {
  const nonce = typeof body.nonce === "string" ? body.nonce : "";
  if (nonce === "") throw new FleetError("BAD_SIGNATURE", "a message without a nonce");
  // Accepted while |now - at| <= window: from the first sight of it (at most a window early) that is two windows at most.
  const claimed = await redis.set(nonceKey(nonce), by, "PX", windowMs * 2, "NX");
  if (claimed !== "OK") throw new FleetError("BAD_SIGNATURE", "a message acted on before (a replay)");
}
