import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { FleetError } from "../errors.js";
import { definedFields } from "@subagent-mcp/contract/fields";

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

  /** How long a message is accepted after it was sealed (and so how long its nonce must be remembered). */
  get window(): number {
    return this.maxAgeMs;
  }

  /**
   * The fields of one stream entry: the body as JSON, with a nonce and time, and its signature.
   * With `to`, the message is bound to its one recipient (a node's name, an orchestrator's id):
   * copied to another's stream, it is refused there.
   */
  seal(body: Record<string, unknown>, to?: string): [string, string, string, string] {
    const text = JSON.stringify({ ...body, ...definedFields({ to }), nonce: randomBytes(12).toString("hex"), at: Date.now() });
    return ["m", text, "sig", this.#mac(text)];
  }

  /**
   * The body of a stream entry's fields if its signature holds, it is fresh, not seen before by this
   * process and, with `to`, addressed to `to`; throws BAD_SIGNATURE otherwise. A replay across
   * processes (a restart, another node) is caught by {@link claimOnce}, which remembers nonces in Redis.
   */
  open(fields: string[], to?: string): Record<string, unknown> {
    const body = this.verify(fields);
    if (to !== undefined && body.to !== to)
      throw new FleetError("BAD_SIGNATURE", `a message for ${typeof body.to === "string" ? `"${body.to}"` : "no one in particular"}, not for "${to}"`);
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

  /** Forgets an opened message's nonce, so that it may be opened again (its claim in Redis could not be made). */
  forget(body: Record<string, unknown>): void {
    if (typeof body.nonce === "string") this.#seen.delete(body.nonce);
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
