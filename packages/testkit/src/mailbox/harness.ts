import type { MailboxStore, Message, OutgoingMessage } from "@subagent-mcp/mailbox";

/** A fresh, empty store (dead letters after 3 attempts) and how to remove what it left behind. */
export type MakeStore = () => Promise<{ store: MailboxStore; cleanup: () => Promise<void> }>;

/** One test's body on a fresh store, closed and cleaned up afterwards whatever happens. */
export function using(make: MakeStore, body: (store: MailboxStore) => Promise<void>): () => Promise<void> {
  return async () => {
    const { store, cleanup } = await make();
    try {
      await body(store);
    } finally {
      try {
        await store.close();
      } finally {
        await cleanup();
      }
    }
  };
}

/** A plain message from `from` to `to`. */
export function note(from: string, to: string, body: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { from, to, body, priority: "normal", ...extra };
}

// "Oldest first" compares send times in milliseconds: the next message must be sent in a later one.
// Waits for the clock to move on (a condition, checked once per event-loop turn), not for a fixed time.
export async function after(message: Message): Promise<void> {
  while (Date.now() <= message.sentAt) await new Promise((resolve) => setImmediate(resolve));
}

export const bodies = (messages: Message[]): string[] => messages.map((m) => m.body);

/** The cost guard's rule: a direct message, or a high-priority broadcast. */
export const wakes = (m: Message): boolean => m.broadcast !== true || m.priority === "high";
