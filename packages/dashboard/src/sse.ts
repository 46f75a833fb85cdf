// Server-Sent Events both ways: frames for the page, and a parser for the servers' `/events`.

/** One event as read from a stream. */
export interface SseEvent {
  event: string;
  data: string;
}

/** One event as it goes on the wire (multi-line data split into data lines). */
export function sseFrame(event: string, data: string): string {
  return `event: ${event}\n${data
    .split("\n")
    .map((line) => `data: ${line}`)
    .join("\n")}\n\n`;
}

/** Splits a text/event-stream into events as its chunks arrive; comments (`: ping`) are skipped. */
export class SseParser {
  #buffer = "";
  #event = "";
  #data: string[] = [];

  /** The events completed by this chunk. */
  feed(chunk: string): SseEvent[] {
    this.#buffer += chunk;
    const lines = this.#buffer.split(/\r\n|\r|\n/);
    this.#buffer = lines.pop() ?? "";
    const out: SseEvent[] = [];
    for (const line of lines) {
      if (line === "") {
        if (this.#data.length > 0 || this.#event !== "") out.push({ event: this.#event || "message", data: this.#data.join("\n") });
        this.#event = "";
        this.#data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") this.#event = value;
      else if (field === "data") this.#data.push(value);
    }
    return out;
  }
}
