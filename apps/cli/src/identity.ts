import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Maildir } from "@subagent-mcp/mailbox";
import { messagingIdentity, SharedInbox } from "@subagent-mcp/server";

/** The mailbox a server speaks for (none for a nested server without a name), and how to tidy up after it. */
export interface OwnMailbox {
  messaging: { mail: SharedInbox | Maildir; self: string } | undefined;
  /** At exit: a session's own mailbox goes when nothing is left in it, so sessions leave no trail of empty mailboxes. */
  retire(): void;
}

/** Who this server speaks for in `mail` (see messagingIdentity). */
export function ownMailbox(mail: Maildir, env: Record<string, string | undefined>, depth: number): OwnMailbox {
  const who = messagingIdentity(env, depth);
  if (who === undefined) return { messaging: undefined, retire: () => undefined };
  if (who.shared === undefined) return { messaging: { mail, self: who.self }, retire: () => undefined };
  const { self } = who;
  return {
    messaging: { mail: new SharedInbox(mail, self, who.shared), self },
    retire: () => {
      if (mail.pending(self) + mail.claimed(self) + mail.dead(self).length + mail.quarantined(self).length === 0)
        rmSync(join(mail.root, self), { recursive: true, force: true });
    },
  };
}
