// Follows a server's change events over SSE for as long as it runs, reconnecting after a drop.
import { setTimeout as delay } from "node:timers/promises";
import { SseParser } from "./sse.js";

/** What {@link followEvents} reports. */
export interface FollowHandlers {
  /** The stream is open (first time, or again after a drop). */
  open(): void;
  /** The stream ended or could not be opened. */
  drop(): void;
  event(name: string, data: string): void;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

/**
 * Reads `url` as an event stream until `signal` aborts; after a drop or a refusal it tries again,
 * waiting longer each time (up to 5 s) until a stream opens.
 */
export async function followEvents(url: string, signal: AbortSignal, on: FollowHandlers): Promise<void> {
  let wait = FIRST_RETRY_MS;
  // Read through a function: the stream's awaits may abort it, which narrowing cannot see.
  const stopped = (): boolean => signal.aborted;
  while (!stopped()) {
    try {
      const res = await fetch(url, { signal, headers: { accept: "text/event-stream" } });
      if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
      wait = FIRST_RETRY_MS;
      on.open();
      const parser = new SseParser();
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        for (const e of parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }))) on.event(e.event, e.data);
      }
    } catch {
      // Dropped or refused: tried again below, unless we are stopping.
    }
    if (stopped()) return;
    on.drop();
    await delay(wait, undefined, { signal }).catch(() => undefined);
    wait = Math.min(wait * 2, MAX_RETRY_MS);
  }
}
