import { SafeName } from "@subagent-mcp/core";
import { MailboxError } from "./errors.js";

// Mailbox names and message ids are core's safe names: one path segment each, so no name can leave the mail root.
export { SafeName };

/** `value` if it is a {@link SafeName}, else a MailboxError("UNSAFE_NAME") naming `what` it was. */
export function safeName(value: string, what = "mailbox name"): string {
  const parsed = SafeName.safeParse(value);
  if (!parsed.success) throw new MailboxError("UNSAFE_NAME", `${what} ${JSON.stringify(value)}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}
