// The pages following the state (`/api/events`): each gets the whole state at connect and again
// whenever it changed, at most once per 100 ms.
import type { ServerResponse } from "node:http";
import { SECURITY_HEADERS } from "./guard.js";
import { sseFrame } from "./sse.js";
import { stateKey } from "./state.js";
import type { DashboardState } from "@subagent-mcp/contract";

/** Least time between two states sent. */
export const DEBOUNCE_MS = 100;
/** How often mailboxes, presence and the registry are looked at while a page follows. */
export const POLL_MS = 5_000;
const PING_MS = 15_000;
/** Bytes a page may leave unread before it is dropped (it reconnects and gets the state afresh). */
const MAX_UNREAD_BYTES = 4 * 1024 * 1024;
const MAX_PAGES = 16;

/** The event streams of the open pages. */
export class PageHub {
  /** Each page with the key of the last state it got. */
  readonly #pages = new Map<ServerResponse, string>();
  #timer: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #running = false;
  #lastPush = 0;
  #again = false;
  #closed = false;

  constructor(
    private readonly collect: () => Promise<DashboardState>,
    /** Reports a failure to gather the state (the page keeps its last one). */
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly pollMs: number = POLL_MS,
  ) {}

  /** How many pages follow. */
  get size(): number {
    return this.#pages.size;
  }

  /** Makes `res` an event stream: the state now, then on every change. */
  add(res: ServerResponse): void {
    if (this.#closed || this.#pages.size >= MAX_PAGES) {
      res.writeHead(503, SECURITY_HEADERS).end();
      return;
    }
    res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": "text/event-stream; charset=utf-8", Connection: "keep-alive" });
    res.write(": connected\n\n");
    this.#pages.set(res, "");
    res.on("close", () => {
      this.#pages.delete(res);
      if (this.#pages.size === 0) this.#stopTimers();
    });
    this.#startTimers();
    this.collect().then(
      (state) => {
        this.#send(res, state, stateKey(state));
      },
      (error: unknown) => {
        this.onError(error);
      },
    );
  }

  /**
   * Something changed: every page gets the new state (if it differs) at once when none went out in
   * the last {@link DEBOUNCE_MS}, else when that time is up: at most one state per interval, and the
   * first change after a quiet spell is not delayed.
   */
  changed(): void {
    if (this.#closed || this.#pages.size === 0) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer !== undefined) return;
    const wait = Math.max(0, this.#lastPush + DEBOUNCE_MS - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#lastPush = Date.now();
      void this.#push();
    }, wait);
  }

  close(): void {
    this.#closed = true;
    this.#stopTimers();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    for (const res of this.#pages.keys()) res.end();
    this.#pages.clear();
  }

  async #push(): Promise<void> {
    this.#running = true;
    try {
      const state = await this.collect();
      const key = stateKey(state);
      for (const [res, last] of this.#pages) if (last !== key) this.#send(res, state, key);
    } catch (error) {
      this.onError(error);
    } finally {
      this.#running = false;
    }
    if (this.#again) {
      this.#again = false;
      this.changed();
    }
  }

  #send(res: ServerResponse, state: DashboardState, key: string): void {
    if (!this.#pages.has(res)) return;
    this.#pages.set(res, key);
    this.#write(res, sseFrame("state", JSON.stringify(state)));
  }

  // A page that reads too slowly is dropped rather than buffered for.
  #write(res: ServerResponse, frame: string): void {
    if (res.writableEnded || res.destroyed) return;
    if (res.writableLength > MAX_UNREAD_BYTES) {
      res.destroy();
      return;
    }
    res.write(frame);
  }

  #startTimers(): void {
    this.#poll ??= setInterval(() => {
      this.changed();
    }, this.pollMs);
    this.#ping ??= setInterval(() => {
      for (const res of this.#pages.keys()) this.#write(res, ": ping\n\n");
    }, PING_MS);
  }

  #ping: NodeJS.Timeout | undefined;

  #stopTimers(): void {
    clearInterval(this.#poll);
    clearInterval(this.#ping);
    this.#poll = undefined;
    this.#ping = undefined;
  }
}
