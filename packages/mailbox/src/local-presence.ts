import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { processAlive, selfRef, writeAtomic } from "@subagent-mcp/state";
import { safeName } from "./names.js";
import { PresenceSchema, type PresenceEntry, type PresenceInput, type PresenceRegistry, type Registration } from "./presence.js";
import { MailboxError } from "./errors.js";

/**
 * Presence on one machine, next to a Maildir: a file `<name>.<pid>.json` per live worker. A process
 * that died without removing its file is not listed (its pid is gone) and the file is removed then,
 * so no heartbeat is needed; `heartbeat_at` is the last write (start or last turn).
 */
export class LocalPresence implements PresenceRegistry {
  constructor(readonly dir: string) {}

  #write(entry: PresenceEntry): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, `${entry.name}.${entry.pid}.json`);
    // A temporary name of its own per write: two writers of one entry never collide.
    writeAtomic(path, `${JSON.stringify(entry)}\n`, { mode: 0o600, durable: false });
  }

  // A bad entry rejects (the promise constructor turns the throw into a rejection), as with every registry.
  register(input: PresenceInput): Promise<Registration> {
    return new Promise((resolve) => {
      resolve(this.#registerNow(input));
    });
  }

  #registerNow(input: PresenceInput): Registration {
    const now = new Date().toISOString();
    const parsed = PresenceSchema.safeParse({ host: hostname(), ...selfRef(), started_at: now, ...input, heartbeat_at: now });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new MailboxError("UNSAFE_NAME", `presence entry: ${issue?.path.join(".") ?? ""} ${issue?.message ?? "invalid"}`);
    }
    let entry = { ...parsed.data, name: safeName(parsed.data.name, "worker name") };
    let stopped = false;
    this.#write(entry);
    return {
      get entry() {
        return entry;
      },
      turn: (at = new Date()) => {
        if (stopped) return Promise.resolve();
        entry = { ...entry, last_turn_at: at.toISOString(), heartbeat_at: at.toISOString() };
        this.#write(entry);
        return Promise.resolve();
      },
      stop: () => {
        stopped = true;
        rmSync(join(this.dir, `${entry.name}.${entry.pid}.json`), { force: true });
        return Promise.resolve();
      },
    };
  }

  list(): Promise<PresenceEntry[]> {
    let files: string[];
    try {
      files = readdirSync(this.dir).filter((f) => f.endsWith(".json"));
    } catch {
      return Promise.resolve([]);
    }
    const out: PresenceEntry[] = [];
    for (const file of files) {
      const path = join(this.dir, file);
      let entry: PresenceEntry | undefined;
      try {
        const parsed = PresenceSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
        entry = parsed.success ? parsed.data : undefined;
      } catch {
        // Unreadable or half-written: not an entry.
      }
      if (entry !== undefined && entry.host === hostname() && processAlive(entry)) out.push(entry);
      else if (entry !== undefined) rmSync(path, { force: true });
    }
    return Promise.resolve(out.sort((a, b) => a.started_at.localeCompare(b.started_at)));
  }

  async alive(name: string): Promise<boolean> {
    return (await this.list()).some((entry) => entry.name === name);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
