import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, watch, writeFileSync, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { SafeName } from "./names.js";
import { BROADCAST, MessageSchema, type Mailboxes, type Message, type OutgoingMessage } from "./types.js";

const RANK = { high: 0, normal: 1, low: 2 } as const;

export interface MaildirOptions {
  /** Deliveries before a message goes to dead letters (default 3). */
  maxAttempts?: number;
  /** Fallback poll for file systems without change events (default 2 s). */
  pollMs?: number;
}

const everything = (): boolean => true;
const byDelivery = (a: Message, b: Message): number => RANK[a.priority] - RANK[b.priority] || a.sentAt - b.sentAt;

/**
 * Maildir semantics, one directory per mailbox: a message is written to tmp/ and renamed into new/
 * (so readers never see half a file); a reader claims it by renaming it into cur/ (only one rename
 * can win); ack deletes it; release moves it back to new/ or, after `maxAttempts`, to dead/.
 */
export class Maildir implements Mailboxes {
  constructor(
    readonly root: string,
    private readonly options: MaildirOptions = {},
  ) {}

  // Folders made once per process: a waiting reader looks at new/ on every file-system event.
  readonly #made = new Set<string>();

  #dir(name: string, sub: "tmp" | "new" | "cur" | "dead"): string {
    const dir = join(this.root, SafeName.parse(name), sub);
    if (!this.#made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.#made.add(dir);
    }
    return dir;
  }

  send(input: OutgoingMessage): Message {
    const sentAt = Date.now();
    // Time first, so that a directory listing sorts oldest first.
    const id = `${sentAt.toString(36).padStart(9, "0")}-${randomBytes(5).toString("hex")}`;
    const base = { ...input, id, sentAt, attempts: 0, threadId: input.threadId ?? id };
    if (input.to !== BROADCAST) {
      const message = MessageSchema.parse(base);
      this.#deliver(message);
      return message;
    }
    // A broadcast is a copy in every mailbox that exists now (a worker creates its own when it starts).
    for (const name of this.names()) if (name !== input.from) this.#deliver(MessageSchema.parse({ ...base, to: name, broadcast: true }));
    return MessageSchema.parse({ ...base, broadcast: true });
  }

  #deliver(message: Message): void {
    const tmp = join(this.#dir(message.to, "tmp"), `${message.id}.json`);
    writeFileSync(tmp, JSON.stringify(message));
    renameSync(tmp, join(this.#dir(message.to, "new"), `${message.id}.json`));
  }

  names(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root, { withFileTypes: true }).filter((d) => d.isDirectory() && SafeName.safeParse(d.name).success).map((d) => d.name);
  }

  #waiting(name: string, only: (message: Message) => boolean): Message[] {
    const fresh = this.#dir(name, "new");
    return readdirSync(fresh).filter((f) => f.endsWith(".json")).map((f) => this.#read(join(fresh, f))).filter((m): m is Message => m !== undefined && only(m));
  }

  receive(name: string, limit = 10, only: (message: Message) => boolean = everything): Message[] {
    const fresh = this.#dir(name, "new");
    const claimed = this.#dir(name, "cur");
    const waiting = this.#waiting(name, only).sort(byDelivery);
    const out: Message[] = [];
    for (const message of waiting) {
      if (out.length >= limit) break;
      try {
        renameSync(join(fresh, `${message.id}.json`), join(claimed, `${message.id}.json`));
        out.push(message);
      } catch {
        // another reader claimed it first
      }
    }
    return out;
  }

  ack(name: string, id: string): void {
    rmSync(join(this.#dir(name, "cur"), `${SafeName.parse(id)}.json`), { force: true });
  }

  release(name: string, id: string, options: { count?: boolean } = {}): "requeued" | "dead" {
    const path = join(this.#dir(name, "cur"), `${SafeName.parse(id)}.json`);
    const message = this.#read(path);
    if (message === undefined) throw new Error(`message ${id} is not claimed in ${name}'s mailbox`);
    const next = { ...message, attempts: message.attempts + (options.count === false ? 0 : 1) };
    const dead = next.attempts >= (this.options.maxAttempts ?? 3);
    const target = join(this.#dir(name, dead ? "dead" : "new"), `${id}.json`);
    writeFileSync(path, JSON.stringify(next));
    renameSync(path, target);
    return dead ? "dead" : "requeued";
  }

  recover(name: string): number {
    const claimed = this.#dir(name, "cur");
    const files = readdirSync(claimed).filter((f) => f.endsWith(".json"));
    for (const f of files) this.release(name, f.slice(0, -5));
    return files.length;
  }

  wait(name: string, timeoutMs: number, signal?: AbortSignal, only: (message: Message) => boolean = everything): Promise<boolean> {
    const fresh = this.#dir(name, "new");
    const has = (): boolean => this.#waiting(name, only).length > 0;
    if (signal?.aborted === true) return Promise.resolve(false);
    if (has()) return Promise.resolve(true);
    return new Promise((resolve) => {
      let watcher: FSWatcher | undefined;
      const done = (value: boolean): void => {
        clearTimeout(deadline);
        clearInterval(poll);
        watcher?.close();
        signal?.removeEventListener("abort", onAbort);
        resolve(value);
      };
      const check = (): void => {
        if (has()) done(true);
      };
      const onAbort = (): void => {
        done(false);
      };
      // File-system events wake us at once; the slow poll only covers file systems without them.
      try {
        watcher = watch(fresh, check);
      } catch {
        watcher = undefined;
      }
      const poll = setInterval(check, this.options.pollMs ?? 2_000);
      const deadline = setTimeout(() => {
        done(false);
      }, timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      // A message that landed between the first look and the watcher's start raised no event.
      check();
    });
  }

  peek(name: string): Message[] {
    return this.#waiting(name, everything).sort(byDelivery);
  }

  pending(name: string): number {
    return readdirSync(this.#dir(name, "new")).filter((f) => f.endsWith(".json")).length;
  }

  dead(name: string): Message[] {
    const dir = this.#dir(name, "dead");
    return readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => this.#read(join(dir, f))).filter((m) => m !== undefined);
  }

  revive(name: string, id?: string): number {
    const dir = this.#dir(name, "dead");
    const files = readdirSync(dir).filter((f) => f.endsWith(".json") && (id === undefined || f === `${SafeName.parse(id)}.json`));
    for (const f of files) {
      const message = this.#read(join(dir, f));
      if (message !== undefined) writeFileSync(join(dir, f), JSON.stringify({ ...message, attempts: 0 }));
      renameSync(join(dir, f), join(this.#dir(name, "new"), f));
    }
    return files.length;
  }

  claimed(name: string): number {
    return readdirSync(this.#dir(name, "cur")).filter((f) => f.endsWith(".json")).length;
  }

  #read(path: string): Message | undefined {
    if (!existsSync(path)) return undefined;
    try {
      return MessageSchema.parse(JSON.parse(readFileSync(path, "utf8")));
    } catch {
      return undefined;
    }
  }
}
