import { Redis } from "ioredis";
import { RedisMailboxError, redisError } from "./errors.js";

/** A Redis connection and how errors name its server (host and port, never the password). */
export interface Connection {
  redis: Redis;
  where: string;
  secret: string | undefined;
}

/** Checks the URL and opens a connection that answered PING; one clear error for each way that fails. */
export async function connectRedis(url: string): Promise<Connection> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisMailboxError("BAD_URL", "the mailbox URL is not a URL: expected redis://[user:password@]host[:port][/db] or rediss://…");
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:")
    throw new RedisMailboxError("BAD_URL", `the mailbox URL has scheme ${parsed.protocol} (expected redis: or rediss:)`);
  const where = `${parsed.hostname}:${parsed.port === "" ? "6379" : parsed.port}`;
  const secret = parsed.password === "" ? undefined : decodeURIComponent(parsed.password);
  const redis = new Redis(url, {
    lazyConnect: true,
    // A command while the connection is down fails at once: a send is confirmed or rejected, never queued.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    retryStrategy: (times) => (times > 20 ? null : Math.min(times * 100, 1_000)),
  });
  // Failures reach callers as rejected promises; without a listener the client would print them. The
  // server's own answer (a refused password) may come as an event, the rejection then only says "closed".
  let refused: unknown;
  redis.on("error", (error: unknown) => {
    if (error instanceof Error && error.name === "ReplyError") refused = error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw redisError(refused ?? error, where, secret);
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
