// Public API of @subagent-mcp/mailbox: the mailbox interface, its message schema, and the embedded
// Maildir backend.
export { MAX_MESSAGE_BYTES, Maildir } from "./maildir.js";
export { safeName, SafeName } from "./names.js";
export { LocalPresence } from "./local-presence.js";
export { PresenceSchema, type PresenceEntry, type PresenceInput, type PresenceRegistry, type RegisterOptions, type Registration } from "./presence.js";
export { SharedInbox } from "./inbox.js";
export { messagingIdentity, SHARED_INBOX } from "./identity.js";
export { asyncStore, isRetryable, lazyStore, type MailboxStore } from "./store.js";
export {
  BROADCAST,
  MessageSchema,
  PrioritySchema,
  wakes,
  type Mailboxes,
  type Message,
  type OutgoingMessage,
  type Quarantined,
  type Recovered,
  type Released,
} from "./types.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { MailboxError, type MailboxErrorCode } from "./errors.js";
