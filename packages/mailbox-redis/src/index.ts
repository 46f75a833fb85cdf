// Public API of @subagent-mcp/mailbox-redis: mailboxes on Redis Streams behind the MailboxStore interface, and worker presence.
export { connectRedis, type Connection, type Endpoint } from "./connect.js";
export { RedisMailboxError, type RedisMailboxErrorCode } from "./errors.js";
export { RedisMailboxes, type RedisMailboxesOptions } from "./redis.js";
export { Presence, type PresenceOptions } from "./presence.js";
