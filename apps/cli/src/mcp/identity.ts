import { messagingIdentity, SharedInbox, type MailboxStore } from "@subagent-mcp/mailbox";

/** The mailbox a server speaks for (none for a nested server without a name), and how to tidy up after it. */
export interface OwnMailbox {
  messaging: { mail: MailboxStore; self: string } | undefined;
  /** At exit: a session's own mailbox goes when nothing is left in it, so sessions leave no trail of empty mailboxes (that broadcasts would still fill). */
  retire(): Promise<void>;
}

/** Who this server speaks for in `mail` (see messagingIdentity). */
export function ownMailbox(mail: MailboxStore, env: Record<string, string | undefined>, depth: number): OwnMailbox {
  const who = messagingIdentity(env, depth);
  const none = (): Promise<void> => Promise.resolve();
  if (who === undefined) return { messaging: undefined, retire: none };
  if (who.shared === undefined) return { messaging: { mail, self: who.self }, retire: none };
  const { self } = who;
  return {
    messaging: { mail: new SharedInbox(mail, self, who.shared), self },
    retire: async () => {
      await mail.forget(self);
    },
  };
}
