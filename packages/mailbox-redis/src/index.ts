// Public API of @subagent-mcp/mailbox-redis: mailboxes on Redis Streams behind the MailboxStore interface.
export { RedisMailboxError, type RedisMailboxErrorCode } from "./errors.js";
export { RedisMailboxes, type RedisMailboxesOptions } from "./redis.js";
