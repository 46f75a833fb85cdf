/** Stable codes of {@link RedisMailboxError}. */
export type RedisMailboxErrorCode = "BAD_URL" | "AUTH_FAILED" | "REDIS_UNREACHABLE" | "REDIS_ERROR" | "BAD_PRESENCE";

/**
 * The one error class of `@subagent-mcp/mailbox-redis`: the server could not be used (bad URL, wrong
 * credentials, unreachable, or a command it refused), or a presence entry or ttl it cannot hold (BAD_PRESENCE). Its message names the server by host and port,
 * never with its password. Mailbox errors proper (unsafe names, too large, not claimed) stay
 * `MailboxError`s, as with every backend.
 */
export class RedisMailboxError extends Error {
  override readonly name = "RedisMailboxError";
  constructor(
    readonly code: RedisMailboxErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A client error as a {@link RedisMailboxError}, with any trace of the password taken out. */
export function redisError(error: unknown, where: string, secret: string | undefined): RedisMailboxError {
  if (error instanceof RedisMailboxError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const text = secret === undefined || secret === "" ? raw : raw.split(secret).join("***");
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password|AUTH .*without any password/i.test(text))
    return new RedisMailboxError("AUTH_FAILED", `Redis at ${where} refused the credentials (check the user and password in the mailbox URL): ${text}`);
  // Errors the server answered with are ReplyErrors; everything else is the connection's.
  if (error instanceof Error && error.name === "ReplyError")
    return new RedisMailboxError("REDIS_ERROR", `Redis at ${where} refused a mailbox command: ${text}`);
  return new RedisMailboxError("REDIS_UNREACHABLE", `Redis at ${where} is unreachable (is redis-server running there?): ${text}`);
}
