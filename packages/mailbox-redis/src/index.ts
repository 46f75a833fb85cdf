// Public API of @subagent-mcp/mailbox-redis: mailboxes on Redis Streams behind the MailboxStore interface, and worker presence.
export { connectRedis, type Connection, type Endpoint } from "./connect.js";
export { RedisMailboxes, type RedisMailboxesOptions } from "./redis.js";
export { Presence, type PresenceOptions } from "./presence.js";
export { SpendStream, type SpendStreamOptions } from "./spend-stream.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { RedisMailboxError, type RedisMailboxErrorCode } from "./errors.js";
