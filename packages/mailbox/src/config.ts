export { MAILBOX_ENV, type MailboxConfig } from "@subagent-mcp/contract";
