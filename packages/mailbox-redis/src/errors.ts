import { CodedError, errorMessage } from "@subagent-mcp/errors";
import { ReplyError } from "ioredis";
/** Stable codes of {@link RedisMailboxError}. */
export type RedisMailboxErrorCode = "BAD_URL" | "AUTH_FAILED" | "TLS_FAILED" | "REDIS_UNREACHABLE" | "REDIS_ERROR" | "BAD_PRESENCE";

/**
 * The one error class of `@subagent-mcp/mailbox-redis`: the server could not be used (bad URL, wrong
 * credentials, unreachable, or a command it refused), or a presence entry or ttl it cannot hold (BAD_PRESENCE). Its message names the server by host and port,
 * never with its password. Mailbox errors proper (unsafe names, too large, not claimed) stay
 * `MailboxError`s, as with every backend.
 */
export class RedisMailboxError extends CodedError<RedisMailboxErrorCode> {
  override readonly name = "RedisMailboxError";
  /** The server is out of reach for now (see isRetryable in @subagent-mcp/mailbox): the call may work again later. */
  readonly retryable: boolean;
  constructor(code: RedisMailboxErrorCode, message: string) {
    super(code, message);
    this.retryable = code === "REDIS_UNREACHABLE";
  }
}

/**
 * Whether the server answered with this error (rather than the connection failing). Checked by
 * class, not by `name`: redis-errors takes the name from the constructor, which a minifier renames.
 */
export function isReply(error: unknown): boolean {
  return error instanceof (ReplyError as new () => Error);
}

/** A client error as a {@link RedisMailboxError}, with any trace of the password taken out. */
export function redisError(error: unknown, where: string, secret: string | undefined): RedisMailboxError {
  if (error instanceof RedisMailboxError) return error;
  const raw = errorMessage(error);
  const text = secret === undefined || secret === "" ? raw : raw.split(secret).join("***");
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password|AUTH .*without any password/i.test(text))
    return new RedisMailboxError("AUTH_FAILED", `Redis at ${where} refused the credentials (check the user and password in the mailbox URL): ${text}`);
  if (error instanceof Error && /certificate|self[- ]signed|SSL routines|wrong version number/i.test(text))
    return new RedisMailboxError(
      "TLS_FAILED",
      `Redis at ${where}: the TLS connection failed (a private CA? give its PEM file as mailbox.ca or SUBAGENT_MCP_MAILBOX_CA): ${text}`,
    );
  // A server that restarts answers LOADING until its append-only file is read back: out of reach for now.
  if (/^LOADING\b/.test(text)) return new RedisMailboxError("REDIS_UNREACHABLE", `Redis at ${where} is loading its data after a restart: ${text}`);
  // Errors the server answered with are ReplyErrors; everything else is the connection's.
  if (isReply(error)) return new RedisMailboxError("REDIS_ERROR", `Redis at ${where} refused a mailbox command: ${text}`);
  return new RedisMailboxError("REDIS_UNREACHABLE", `Redis at ${where} is unreachable (is redis-server running there?): ${text}`);
}
