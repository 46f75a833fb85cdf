import { Redis } from "ioredis";
import { isReply, RedisMailboxError, redisError } from "./errors.js";

/** A Redis connection and how errors name its server (host and port, never the password). */
export interface Connection {
  redis: Redis;
  where: string;
  secret: string | undefined;
}

/** How to reach the server: its URL, and for `rediss://` a CA to trust besides the system's. */
export interface Endpoint {
  /** redis://[user:password@]host[:port][/db] or rediss://… */
  url: string;
  /** PEM certificate(s) of the CA that signed the server's certificate (a private CA); only with rediss://. */
  ca?: string | Buffer;
}

/** A client for the URL, checked, not yet connected: one clear error for a URL that cannot be used. */
export function redisClient({ url, ca }: Endpoint): Connection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisMailboxError("BAD_URL", "the mailbox URL is not a URL: expected redis://[user:password@]host[:port][/db] or rediss://…");
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:")
    throw new RedisMailboxError("BAD_URL", `the mailbox URL has scheme ${parsed.protocol} (expected redis: or rediss:)`);
  if (ca !== undefined && parsed.protocol !== "rediss:")
    throw new RedisMailboxError("BAD_URL", "a CA certificate was given for a redis:// URL; use rediss:// to speak TLS with the server");
  const where = `${parsed.hostname}:${parsed.port === "" ? "6379" : parsed.port}`;
  const secret = parsed.password === "" ? undefined : decodeURIComponent(parsed.password);
  const redis = new Redis(url, {
    lazyConnect: true,
    // A command while the connection is down fails at once: a send is confirmed or rejected, never queued.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    ...(ca === undefined ? {} : { tls: { ca } }),
  });
  return { redis, where, secret };
}

/**
 * Checks the URL and opens a connection that answered PING; one clear error for each way that fails.
 * Once up, the connection comes back by itself after the server went away (backoff up to 2 s, for
 * as long as it takes); meanwhile every command fails at once as REDIS_UNREACHABLE (retryable).
 */
export async function connectRedis(endpoint: Endpoint): Promise<Connection> {
  const { redis, where, secret } = redisClient(endpoint);
  // Failures reach callers as rejected promises; without a listener the client would print them. The
  // real reason (a refused password, a certificate not trusted) may come as an event, the rejection
  // then only says "closed": the server's answer wins, then the first event.
  let refused: unknown;
  let first: unknown;
  redis.on("error", (error: unknown) => {
    if (isReply(error)) refused = error;
    first ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw redisError(refused ?? first ?? error, where, secret);
  }
  return { redis, where, secret };
}

/** A second connection to the same server for one blocking read, connected before use. */
export async function blockingConnection(main: Redis): Promise<Redis> {
  const blocker = main.duplicate({ lazyConnect: true, retryStrategy: () => null });
  blocker.on("error", () => undefined);
  await blocker.connect();
  return blocker;
}
