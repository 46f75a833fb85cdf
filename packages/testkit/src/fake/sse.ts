import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/** Opens a server-sent-events response; `headers` are added (e.g. rate-limit state). */
export function openSse(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
    ...headers,
  });
}

/** Writes one SSE event; `event` is omitted for protocols (Gemini) that send bare `data:` lines. */
export function writeSse(res: ServerResponse, data: unknown, event?: string): void {
  const head = event === undefined ? "" : `event: ${event}\n`;
  res.write(`${head}data: ${JSON.stringify(data)}\n\n`);
}

/** Splits `text` into `count` pieces (the last one takes the remainder). */
export function splitText(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, count)));
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts.length > 0 ? parts : [""];
}

/**
 * Streams the pieces of a slow reply, waiting between them; stops early when the client goes away
 * (an interrupted CLI closes its connection), so the fake never writes into a dead socket.
 */
export async function streamSlowly(res: ServerResponse, pieces: string[], durationMs: number, write: (piece: string) => void): Promise<boolean> {
  const gap = durationMs / Math.max(1, pieces.length);
  for (const piece of pieces) {
    if (res.destroyed || res.writableEnded) return false;
    write(piece);
    await sleep(gap);
  }
  return !res.destroyed;
}

/** Starts a response, sends a fragment, then destroys the socket: an abrupt disconnect. */
export function disconnect(res: ServerResponse): void {
  openSse(res);
  res.write('data: {"partial":');
  res.socket?.destroy();
}
