import type { Mailboxes, Message, OutgoingMessage, Quarantined, Recovered, Released } from "./types.js";

/**
 * {@link Mailboxes} for backends that talk over the network (Redis Streams): the same operations
 * with the same meaning, each a promise. The one conformance suite (testkit) holds every backend to
 * it; Maildir takes part through {@link asyncStore}.
 */
export interface MailboxStore {
  send(message: OutgoingMessage): Promise<Message>;
  receive(name: string, limit?: number, only?: (message: Message) => boolean): Promise<Message[]>;
  ack(name: string, id: string): Promise<void>;
  release(name: string, id: string, options?: { count?: boolean }): Promise<Released>;
  recover(name: string): Promise<Recovered>;
  wait(name: string, timeoutMs: number, signal?: AbortSignal, only?: (message: Message) => boolean): Promise<boolean>;
  peek(name: string): Promise<Message[]>;
  pending(name: string): Promise<number>;
  dead(name: string): Promise<Message[]>;
  revive(name: string, id?: string): Promise<number>;
  quarantined(name: string): Promise<Quarantined[]>;
  claimed(name: string): Promise<number>;
  names(): Promise<string[]>;
  /**
   * Deletes `name`'s mailbox if nothing is in it (waiting, claimed, dead): a session's own mailbox at
   * its end, so that broadcasts stop reaching it. True if it is gone.
   */
  forget(name: string): Promise<boolean>;
  /** Lets go of connections and watchers. */
  close(): Promise<void>;
}

/**
 * True for an error a networked backend raises while its server is out of reach (down, restarting,
 * loading its data): the same call may succeed a moment later, so a long-running reader retries it
 * with backoff instead of giving up. Every other error is final.
 */
export function isRetryable(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === true;
}

/** A synchronous backend (Maildir) as a {@link MailboxStore}. */
export function asyncStore(mail: Mailboxes): MailboxStore {
  const run = <T>(f: () => T): Promise<T> => {
    try {
      return Promise.resolve(f());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };
  return {
    send: (message) => run(() => mail.send(message)),
    receive: (name, limit, only) => run(() => mail.receive(name, limit, only)),
    ack: (name, id) =>
      run(() => {
        mail.ack(name, id);
      }),
    release: (name, id, options) => run(() => mail.release(name, id, options)),
    recover: (name) => run(() => mail.recover(name)),
    wait: (name, timeoutMs, signal, only) => mail.wait(name, timeoutMs, signal, only),
    peek: (name) => run(() => mail.peek(name)),
    pending: (name) => run(() => mail.pending(name)),
    dead: (name) => run(() => mail.dead(name)),
    revive: (name, id) => run(() => mail.revive(name, id)),
    quarantined: (name) => run(() => mail.quarantined(name)),
    claimed: (name) => run(() => mail.claimed(name)),
    names: () => run(() => mail.names()),
    forget: (name) => run(() => mail.forget(name)),
    close: () => Promise.resolve(),
  };
}

/**
 * A store opened on its first use, for a process that should start whether or not a networked
 * store is reachable yet (the MCP server): a failed open fails that call with its error (a bad URL,
 * refused credentials, the server down), and the next call tries to open it again.
 */
export function lazyStore(open: () => Promise<MailboxStore>): MailboxStore {
  let opening: Promise<MailboxStore> | undefined;
  const get = (): Promise<MailboxStore> => {
    opening ??= open().catch((error: unknown) => {
      opening = undefined;
      throw error;
    });
    return opening;
  };
  return {
    send: async (message) => (await get()).send(message),
    receive: async (name, limit, only) => (await get()).receive(name, limit, only),
    ack: async (name, id) => (await get()).ack(name, id),
    release: async (name, id, options) => (await get()).release(name, id, options),
    recover: async (name) => (await get()).recover(name),
    wait: async (name, timeoutMs, signal, only) => (await get()).wait(name, timeoutMs, signal, only),
    peek: async (name) => (await get()).peek(name),
    pending: async (name) => (await get()).pending(name),
    dead: async (name) => (await get()).dead(name),
    revive: async (name, id) => (await get()).revive(name, id),
    quarantined: async (name) => (await get()).quarantined(name),
    claimed: async (name) => (await get()).claimed(name),
    names: async () => (await get()).names(),
    forget: async (name) => (await get()).forget(name),
    close: async () => {
      const store = await opening?.catch(() => undefined);
      await store?.close();
    },
  };
}
