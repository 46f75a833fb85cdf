// How full each mailbox is, for the page: mail lives outside the servers, so it is read here.
import type { MailboxStore } from "@subagent-mcp/mailbox";
import type { MailboxView } from "@subagent-mcp/contract";

/** Every mailbox with its waiting, claimed and dead messages, by name. */
export async function mailboxCounts(mail: MailboxStore): Promise<MailboxView[]> {
  const names = (await mail.names()).sort();
  return Promise.all(
    names.map(async (name) => {
      const [waiting, claimed, dead] = await Promise.all([mail.pending(name), mail.claimed(name), mail.dead(name)]);
      return { name, waiting, claimed, dead: dead.length };
    }),
  );
}
