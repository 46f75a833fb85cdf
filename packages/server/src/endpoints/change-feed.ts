import type { ServerResponse } from "node:http";
import { CHANGE_EVENT, type ChangeEvent } from "@subagent-mcp/contract";
import type { Supervisor } from "@subagent-mcp/core";

/** Bytes a reader may leave unread before it is dropped (a `change` event is well under 1 KB). */
export const MAX_UNREAD_BYTES = 64 * 1024;
/** Readers at once; more are refused with 503. */
export const MAX_READERS = 32;
const PING_MS = 15_000;

/**
 * Server-Sent Events for the dashboard: a `change` event naming the agents that changed, at most
 * once per event-loop turn, whenever the supervisor reports a change, a finished turn or an end.
 * Reading never takes anything from the orchestrator (turns stay unreported until its `wait`).
 * A reader that falls behind by {@link MAX_UNREAD_BYTES} is dropped rather than buffered for.
 */
export class ChangeFeed {
  readonly #readers = new Set<ServerResponse>();
  readonly #unsubscribe: (() => void)[] = [];
  #changed = new Set<string>();
  #scheduled: NodeJS.Immediate | undefined;
  #ping: NodeJS.Timeout | undefined;
  #closed = false;

  /** How many readers are connected now. */
  get readers(): number {
    return this.#readers.size;
  }

  /** Follows the supervisor's agents from now on (it is made on the first call that needs it). */
  attach(supervisor: Supervisor): void {
    if (this.#closed) return;
    this.#unsubscribe.push(
      supervisor.onChange((change) => {
        this.#note(change.agentId);
      }),
      supervisor.onTurn((report) => {
        this.#note(report.agentId);
      }),
      supervisor.onEnd((view) => {
        this.#note(view.id);
      }),
    );
  }

  /** Makes `res` an event stream until its reader goes away or the feed closes. */
  serve(res: ServerResponse): void {
    if (this.#closed || this.#readers.size >= MAX_READERS) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", "x-content-type-options": "nosniff" });
    this.#readers.add(res);
    res.on("close", () => {
      this.#readers.delete(res);
      if (this.#readers.size === 0) this.#stopPing();
    });
    // Sent at once, so that the reader knows the stream is open.
    this.#send(res, ": connected\n\n");
    this.#ping ??= setInterval(() => {
      this.#broadcast(": ping\n\n");
    }, PING_MS).unref();
  }

  /** Ends every stream and stops following the supervisor. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#unsubscribe) off();
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#stopPing();
    for (const res of this.#readers) res.end();
    this.#readers.clear();
  }

  // Collected until the next turn of the event loop: one event however many changes come before it.
  #note(agentId: string): void {
    if (this.#closed || this.#readers.size === 0) return;
    this.#changed.add(agentId);
    this.#scheduled ??= setImmediate(() => {
      this.#scheduled = undefined;
      const event: ChangeEvent = { agent_ids: [...this.#changed] };
      this.#changed = new Set();
      this.#broadcast(`event: ${CHANGE_EVENT}\ndata: ${JSON.stringify(event)}\n\n`);
    });
  }

  #broadcast(frame: string): void {
    for (const res of this.#readers) this.#send(res, frame);
  }

  #send(res: ServerResponse, frame: string): void {
    if (res.writableLength > MAX_UNREAD_BYTES) {
      this.#readers.delete(res);
      res.destroy();
      return;
    }
    res.write(frame);
  }

  #stopPing(): void {
    if (this.#ping !== undefined) clearInterval(this.#ping);
    this.#ping = undefined;
  }
}
