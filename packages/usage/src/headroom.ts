// Rate limits belong to the account, not to one server: what any server's CLIs last reported is
// kept in one small file of the state folder (stateLayout's rateLimits), so that every server of the user (and `route`)
// ranks with it. Reports are rare (at most one per window per turn), so each is written at once.
import { readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { RateLimits, RateLimitStatusSchema, type AgentEvent, type RateLimitStore, type RateWindow } from "@subagent-mcp/core";
import { keepPrivate, writePrivate } from "@subagent-mcp/state";
import { z } from "zod";
import type { Provider } from "@subagent-mcp/contract";

const WindowSchema = z.object({
  window: z.string().min(1).max(64),
  status: RateLimitStatusSchema,
  usedPercent: z.number().min(0).max(100).optional(),
  resetsAt: z.number().int().nonnegative().optional(),
  at: z.number().int().nonnegative(),
});
const FileSchema = z.record(z.string(), z.array(WindowSchema).max(32));

/** The rate-limit windows every server has seen, read again when another process changed the file. */
export class SharedHeadroom implements RateLimitStore {
  #limits = new RateLimits();
  /** mtime and size of the file as last read: unchanged means nothing to read. */
  #seen = "";

  constructor(readonly path: string) {}

  /** Keeps a CLI's report and writes the file (merged with what others wrote since); a failed write only costs the sharing. */
  note(provider: Provider, event: Extract<AgentEvent, { type: "rate_limit" }>, at: number): void {
    try {
      this.#refresh();
      this.#limits.note(provider, event, at);
      writePrivate(this.path, `${JSON.stringify(this.#limits.snapshot(at))}\n`);
      this.#seen = stamp(this.path);
    } catch (error) {
      process.stderr.write(`subagent-mcp: could not share rate-limit state in ${this.path}: ${String(error)}\n`);
    }
  }

  /** `provider`'s tightest window in force, as the last report of any server says. */
  tightest(provider: Provider, now: number): RateWindow | undefined {
    this.#refresh();
    return this.#limits.tightest(provider, now);
  }

  /** Every window of `provider` in force, as the last report of any server says. */
  windows(provider: Provider, now: number): RateWindow[] {
    this.#refresh();
    return this.#limits.windows(provider, now);
  }

  // Reads the file when it changed since: a stat per call, a parse only after another writer. A file (or
  // folder) another user can write is refused (StateError NOT_PRIVATE): its windows could hold or free launches.
  #refresh(): void {
    keepPrivate(dirname(this.path));
    keepPrivate(this.path);
    const now = stamp(this.path);
    if (now === this.#seen) return;
    this.#seen = now;
    if (now === "absent") return;
    for (const [provider, windows] of Object.entries(readShared(this.path))) for (const w of windows) this.#limits.set(provider, w);
  }
}

/** The file's windows by provider; an absent or unreadable file is none (it is rewritten on the next report). */
export function readShared(path: string): Record<Provider, RateWindow[]> {
  try {
    const parsed = FileSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    if (!parsed.success) return {};
    return parsed.data;
  } catch {
    return {};
  }
}

// Asked on every launch: a missing file (the usual case until a CLI reports a window) is no thrown error.
function stamp(path: string): string {
  try {
    const s = statSync(path, { throwIfNoEntry: false });
    return s === undefined ? "absent" : `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return "absent";
  }
}
