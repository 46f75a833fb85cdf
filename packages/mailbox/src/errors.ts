import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link MailboxError}. */
export type MailboxErrorCode = "UNSAFE_NAME" | "MESSAGE_TOO_LARGE" | "NOT_CLAIMED";

/** The one error class of `@subagent-mcp/mailbox`; `message` says what was wrong and what to do. */
export class MailboxError extends CodedError<MailboxErrorCode> {
  override readonly name = "MailboxError";
}
