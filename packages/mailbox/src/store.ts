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
  /** Lets go of connections and watchers. */
  close(): Promise<void>;
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
    close: () => Promise.resolve(),
  };
}
