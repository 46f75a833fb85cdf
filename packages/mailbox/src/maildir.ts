import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, watch, writeFileSync, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { MailboxError } from "./errors.js";
import { safeName, SafeName } from "./names.js";
import { quarantine, quarantined } from "./quarantine.js";
import { readMessage, type ReadResult } from "./read.js";
import { BROADCAST, MessageSchema, type Mailboxes, type Message, type OutgoingMessage, type Quarantined, type Recovered, type Released } from "./types.js";

const RANK = { high: 0, normal: 1, low: 2 } as const;

/** Default bound on one message, JSON-encoded: any answer worth reading fits; a reader never loads more. */
export const MAX_MESSAGE_BYTES = 1_048_576;
// Reading allows a little more than sending: a retry rewrites the attempt count, which can add a digit.
const READ_SLACK = 1_024;

export interface MaildirOptions {
  /** Deliveries before a message goes to dead letters (default 3). */
  maxAttempts?: number;
  /** Fallback poll for file systems without change events (default 2 s). */
  pollMs?: number;
  /** Largest message, JSON-encoded (default {@link MAX_MESSAGE_BYTES}): refused on send, quarantined on read. */
  maxMessageBytes?: number;
}

type Folder = "tmp" | "new" | "cur" | "dead" | "quarantine";
type Kept = "new" | "cur" | "dead";

const everything = (): boolean => true;
const byDelivery = (a: Message, b: Message): number => RANK[a.priority] - RANK[b.priority] || a.sentAt - b.sentAt;
const messageFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith(".json"));

/**
 * Maildir semantics, one directory per mailbox: a message is written to tmp/ and renamed into new/
 * (so readers never see half a file); a reader claims it by renaming it into cur/ (only one rename
 * can win); ack deletes it; release moves it back to new/ or, after `maxAttempts`, to dead/. A file
 * that is not a message (unreadable, unparseable, unsafe names, too large) is moved to quarantine/,
 * bytes kept, so it can neither block a reader nor wake one. Folders and files are the user's only.
 */
export class Maildir implements Mailboxes {
  constructor(
    readonly root: string,
    private readonly options: MaildirOptions = {},
  ) {}

  // Folders made once per process: a waiting reader looks at new/ on every file-system event.
  readonly #made = new Set<string>();

  #dir(name: string, sub: Folder): string {
    const dir = join(this.root, safeName(name), sub);
    if (!this.#made.has(dir)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      this.#made.add(dir);
    }
    return dir;
  }

  get #maxBytes(): number {
    return this.options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  }

  send(input: OutgoingMessage): Message {
    safeName(input.from, "sender name");
    if (input.to !== BROADCAST) safeName(input.to, "recipient name");
    const sentAt = Date.now();
    // Time first, so that a directory listing sorts oldest first.
    const id = `${sentAt.toString(36).padStart(9, "0")}-${randomBytes(5).toString("hex")}`;
    const base = { ...input, id, sentAt, attempts: 0, threadId: input.threadId ?? id };
    if (input.to !== BROADCAST) {
      const message = MessageSchema.parse(base);
      this.#write(message.to, this.#encode(message), join(this.#dir(message.to, "new"), `${id}.json`));
      return message;
    }
    // A broadcast is a copy in every mailbox that exists now (a worker creates its own when it starts).
    const message = MessageSchema.parse({ ...base, broadcast: true });
    this.#encode(message);
    for (const name of this.names()) {
      if (name !== input.from) this.#write(name, JSON.stringify({ ...message, to: name }), join(this.#dir(name, "new"), `${id}.json`));
    }
    return message;
  }

  #encode(message: Message): string {
    const text = JSON.stringify(message);
    const bytes = Buffer.byteLength(text);
    if (bytes > this.#maxBytes)
      throw new MailboxError(
        "MESSAGE_TOO_LARGE",
        `message too large: ${bytes} bytes encoded (limit ${this.#maxBytes}); send the path of a file instead of its contents`,
      );
    return text;
  }

  /** A whole file written in tmp/, then renamed into place: no reader and no crash sees half of it. */
  #write(name: string, text: string, target: string): void {
    const tmp = join(this.#dir(name, "tmp"), randomBytes(8).toString("hex"));
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, target);
  }

  /** One message file; one that is not a message is quarantined on the way. */
  #load(name: string, sub: Kept, file: string): ReadResult {
    const path = join(this.#dir(name, sub), file);
    const read = readMessage(path, file, this.#maxBytes + READ_SLACK);
    if (read !== undefined && "problem" in read) quarantine(path, file, this.#dir(name, "quarantine"), sub, read.problem);
    return read;
  }

  #scan(name: string, sub: Kept): Message[] {
    return messageFiles(this.#dir(name, sub)).flatMap((file) => {
      const read = this.#load(name, sub, file);
      return read !== undefined && "message" in read ? [read.message] : [];
    });
  }

  names(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && SafeName.safeParse(d.name).success)
      .map((d) => d.name);
  }

  receive(name: string, limit = 10, only: (message: Message) => boolean = everything): Message[] {
    const fresh = this.#dir(name, "new");
    const claimed = this.#dir(name, "cur");
    const waiting = this.#scan(name, "new").filter(only).sort(byDelivery);
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
    rmSync(join(this.#dir(name, "cur"), `${safeName(id, "message id")}.json`), { force: true });
  }

  release(name: string, id: string, options: { count?: boolean } = {}): Released {
    const read = this.#load(name, "cur", `${safeName(id, "message id")}.json`);
    if (read === undefined) throw new MailboxError("NOT_CLAIMED", `message ${id} is not claimed in ${name}'s mailbox`);
    return "problem" in read ? "quarantined" : this.#release(name, read.message, options.count !== false).to;
  }

  #release(name: string, message: Message, count: boolean): { to: "requeued" | "dead"; message: Message } {
    const next = { ...message, attempts: message.attempts + (count ? 1 : 0) };
    const dead = next.attempts >= (this.options.maxAttempts ?? 3);
    const claim = join(this.#dir(name, "cur"), `${message.id}.json`);
    // The new count replaces the claim whole, then the claim moves: a crash leaves it claimed, never torn.
    this.#write(name, JSON.stringify(next), claim);
    renameSync(claim, join(this.#dir(name, dead ? "dead" : "new"), `${message.id}.json`));
    return { to: dead ? "dead" : "requeued", message: next };
  }

  recover(name: string): Recovered {
    const out: Recovered = { requeued: 0, dead: [], quarantined: 0 };
    for (const file of messageFiles(this.#dir(name, "cur"))) {
      const read = this.#load(name, "cur", file);
      if (read === undefined) continue;
      if ("problem" in read) {
        out.quarantined++;
        continue;
      }
      const released = this.#release(name, read.message, true);
      if (released.to === "dead") out.dead.push(released.message);
      else out.requeued++;
    }
    return out;
  }

  wait(name: string, timeoutMs: number, signal?: AbortSignal, only: (message: Message) => boolean = everything): Promise<boolean> {
    const fresh = this.#dir(name, "new");
    const has = (): boolean => this.#scan(name, "new").some(only);
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
    return this.#scan(name, "new").sort(byDelivery);
  }

  pending(name: string): number {
    return this.#scan(name, "new").length;
  }

  dead(name: string): Message[] {
    return this.#scan(name, "dead");
  }

  revive(name: string, id?: string): number {
    const dir = this.#dir(name, "dead");
    const files = id === undefined ? messageFiles(dir) : [`${safeName(id, "message id")}.json`];
    let revived = 0;
    for (const file of files) {
      const read = this.#load(name, "dead", file);
      if (read === undefined || "problem" in read) continue;
      const path = join(dir, file);
      this.#write(name, JSON.stringify({ ...read.message, attempts: 0 }), path);
      renameSync(path, join(this.#dir(name, "new"), file));
      revived++;
    }
    return revived;
  }

  claimed(name: string): number {
    return messageFiles(this.#dir(name, "cur")).length;
  }

  quarantined(name: string): Quarantined[] {
    return quarantined(this.#dir(name, "quarantine"));
  }

  forget(name: string): boolean {
    if (this.pending(name) + this.claimed(name) + this.dead(name).length + this.quarantined(name).length > 0) return false;
    rmSync(join(this.root, safeName(name)), { recursive: true, force: true });
    return true;
  }
}
