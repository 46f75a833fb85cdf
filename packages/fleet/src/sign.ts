import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { FleetError } from "./errors.js";

/**
 * Signs and checks what crosses the Redis between orchestrators and nodes. Whoever can write to
 * the Redis must not be able to run agents: every command and every event carries an HMAC-SHA256
 * of its exact JSON under the fleet key, which only orchestrators and nodes hold. A message older
 * than `maxAgeMs`, or one seen before (a replay), is refused too.
 */
export class Signer {
  readonly #key: Buffer;
  readonly #seen = new Map<string, number>();

  constructor(
    key: string | Buffer,
    private readonly maxAgeMs = 5 * 60_000,
  ) {
    if (key.length < 16) throw new FleetError("NO_KEY", "the fleet key must hold at least 16 bytes (SUBAGENT_MCP_FLEET_KEY)");
    this.#key = Buffer.isBuffer(key) ? key : Buffer.from(key);
  }

  /** The fields of one stream entry: the body as JSON, with a nonce and time, and its signature. */
  seal(body: Record<string, unknown>): [string, string, string, string] {
    const text = JSON.stringify({ ...body, nonce: randomBytes(12).toString("hex"), at: Date.now() });
    return ["m", text, "sig", this.#mac(text)];
  }

  /** The body of a stream entry's fields if its signature holds and it is fresh; throws BAD_SIGNATURE otherwise. */
  open(fields: string[]): Record<string, unknown> {
    const body = this.verify(fields);
    const at = typeof body.at === "number" ? body.at : 0;
    const nonce = typeof body.nonce === "string" ? body.nonce : "";
    const now = Date.now();
    if (Math.abs(now - at) > this.maxAgeMs) throw new FleetError("BAD_SIGNATURE", `a message from ${new Date(at).toISOString()}, outside the accepted window`);
    if (this.#seen.has(nonce)) throw new FleetError("BAD_SIGNATURE", "a message seen before (a replay)");
    this.#seen.set(nonce, at);
    // Nonces older than the window can go: their messages are refused by age already.
    if (this.#seen.size > 4096) for (const [n, t] of this.#seen) if (now - t > this.maxAgeMs) this.#seen.delete(n);
    return body;
  }

  /** The body if its signature holds (no age or replay check: for state read many times, like heartbeats). */
  verify(fields: string[]): Record<string, unknown> {
    const text = field(fields, "m");
    const sig = field(fields, "sig");
    if (text === undefined || sig === undefined) throw new FleetError("BAD_SIGNATURE", "an unsigned message (no m/sig fields)");
    const want = Buffer.from(this.#mac(text), "hex");
    const got = Buffer.from(sig, "hex");
    if (got.length !== want.length || !timingSafeEqual(got, want))
      throw new FleetError("BAD_SIGNATURE", "a message whose signature does not match the fleet key");
    return JSON.parse(text) as Record<string, unknown>;
  }

  #mac(text: string): string {
    return createHmac("sha256", this.#key).update(text).digest("hex");
  }
}

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
