// Public API of @subagent-mcp/mailbox: the mailbox interface, its message schema, and the embedded
// Maildir backend.
export { Maildir, type MaildirOptions } from "./maildir.js";
export { SafeName } from "./names.js";
export { BROADCAST, MessageSchema, PrioritySchema, wakes, type Mailboxes, type Message, type OutgoingMessage, type Priority } from "./types.js";
