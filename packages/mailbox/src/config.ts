import { MAILBOX_ENV, type MailboxConfig } from "@subagent-mcp/contract";

export { MAILBOX_ENV, type MailboxConfig } from "@subagent-mcp/contract";

/** The same mailbox for a process we start (a worker's session and the server its CLI starts under it). */
export function mailboxEnv(mailbox: MailboxConfig | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (mailbox?.url === undefined) return out;
  for (const [key, name] of Object.entries(MAILBOX_ENV)) {
    const value = mailbox[key as keyof MailboxConfig];
    if (value !== undefined) out[name] = String(value);
  }
  return out;
}
