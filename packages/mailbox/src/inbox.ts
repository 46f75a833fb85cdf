import type { MailboxStore } from "./store.js";
import type { Message, OutgoingMessage, Quarantined, Recovered, Released } from "./types.js";

/**
 * `mail` as seen by `self`: its own mailbox first, then the shared one, as if they were one. A
 * message in the shared mailbox from `self` is left for the other sessions; a broadcast, which also
 * lands in `self`'s own mailbox, is taken once. Every other name goes straight through.
 */
export class SharedInbox implements MailboxStore {
  /** The mailbox each claimed message came from, so that ack and release go back to it. */
  readonly #origin = new Map<string, string>();
  /** Broadcast ids already handed out (a copy sits in both mailboxes); bounded. */
  readonly #broadcasts = new Set<string>();

  constructor(
    private readonly mail: MailboxStore,
    private readonly self: string,
    private readonly shared: string,
  ) {}

  #fromOthers =
    (only: (m: Message) => boolean) =>
    (m: Message): boolean =>
      m.from !== this.self && only(m);

  async receive(name: string, limit = 10, only: (message: Message) => boolean = () => true): Promise<Message[]> {
    if (name !== this.self) return this.mail.receive(name, limit, only);
    const own = (await this.mail.receive(this.self, limit, only)).map((m) => [this.self, m] as const);
    const shared =
      own.length < limit ? (await this.mail.receive(this.shared, limit - own.length, this.#fromOthers(only))).map((m) => [this.shared, m] as const) : [];
    const out: Message[] = [];
    for (const [box, m] of [...own, ...shared]) {
      if (m.broadcast === true && this.#broadcasts.has(m.id)) {
        await this.mail.ack(box, m.id); // the other copy was already handed out
        continue;
      }
      if (m.broadcast === true) this.#remember(m.id);
      if (box !== this.self) this.#origin.set(m.id, box);
      out.push(m);
    }
    return out;
  }

  #remember(id: string): void {
    this.#broadcasts.add(id);
    if (this.#broadcasts.size > 1_000) this.#broadcasts.delete(this.#broadcasts.values().next().value as string);
  }

  #box(name: string, id: string): string {
    if (name !== this.self) return name;
    const box = this.#origin.get(id) ?? this.self;
    this.#origin.delete(id);
    return box;
  }

  ack(name: string, id: string): Promise<void> {
    return this.mail.ack(this.#box(name, id), id);
  }

  release(name: string, id: string, options?: { count?: boolean }): Promise<Released> {
    return this.mail.release(this.#box(name, id), id, options);
  }

  async wait(name: string, timeoutMs: number, signal?: AbortSignal, only: (message: Message) => boolean = () => true): Promise<boolean> {
    if (name !== this.self) return this.mail.wait(name, timeoutMs, signal, only);
    // Whichever mailbox gets something first ends both waits.
    const either = new AbortController();
    const stop = (): void => {
      either.abort();
    };
    signal?.addEventListener("abort", stop, { once: true });
    try {
      return await Promise.race([
        this.mail.wait(this.self, timeoutMs, either.signal, only),
        this.mail.wait(this.shared, timeoutMs, either.signal, this.#fromOthers(only)),
      ]);
    } finally {
      signal?.removeEventListener("abort", stop);
      either.abort();
    }
  }

  async peek(name: string): Promise<Message[]> {
    if (name !== this.self) return this.mail.peek(name);
    const [own, shared] = await Promise.all([this.mail.peek(this.self), this.mail.peek(this.shared)]);
    return [...own, ...shared.filter((m) => m.from !== this.self && !(m.broadcast === true && this.#broadcasts.has(m.id)))];
  }

  async pending(name: string): Promise<number> {
    return name === this.self ? (await this.peek(name)).length : this.mail.pending(name);
  }

  send(message: OutgoingMessage): Promise<Message> {
    return this.mail.send(message);
  }

  recover(name: string): Promise<Recovered> {
    return this.mail.recover(name);
  }

  dead(name: string): Promise<Message[]> {
    return this.mail.dead(name);
  }

  revive(name: string, id?: string): Promise<number> {
    return this.mail.revive(name, id);
  }

  quarantined(name: string): Promise<Quarantined[]> {
    return this.mail.quarantined(name);
  }

  claimed(name: string): Promise<number> {
    return this.mail.claimed(name);
  }

  names(): Promise<string[]> {
    return this.mail.names();
  }

  forget(name: string): Promise<boolean> {
    return this.mail.forget(name);
  }

  /** The underlying store stays open: it is shared (the caller closes it). */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
