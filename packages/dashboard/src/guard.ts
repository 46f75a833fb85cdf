// Who may talk to the dashboard: only a page it served itself, on this machine, holding its token.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** Headers on every answer: nothing cached, framed, sniffed, or sent on as a referrer (the URL holds the token). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Resource-Policy": "same-origin",
};

// Both sides hashed first, so the comparison takes the same time whatever the length of the guess.
function sameSecret(given: string, wanted: string): boolean {
  const digest = (s: string): Buffer => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(wanted));
}

/** Why a request is refused, or undefined when it may go on. */
export interface Refusal {
  status: number;
  message: string;
}

/**
 * DNS rebinding: a web page may point a name of its own at 127.0.0.1, but its requests then carry
 * that name as Host; and a browser always says where a cross-site request comes from (Origin).
 * Then the token, in constant time; then what a POST must carry.
 */
export function refusal(req: IncomingMessage, url: URL, port: number, token: string): Refusal | undefined {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!hosts.includes(req.headers.host ?? "")) return { status: 403, message: "forbidden host" };
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.some((h) => origin === `http://${h}`)) return { status: 403, message: "forbidden origin" };
  if (!sameSecret(url.searchParams.get("token") ?? "", token)) return { status: 401, message: "a valid token is needed: open the URL the dashboard printed" };
  if (req.method === "POST") {
    const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") return { status: 415, message: "POST needs Content-Type: application/json" };
  } else if (req.method !== "GET" && req.method !== "HEAD") return { status: 405, message: "only GET and POST" };
  return undefined;
}

/** Answers with `body` as JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** Answers with a short plain-text message. */
export function sendText(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(message) });
  res.end(message);
}

/** Bytes a POST body may have. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A POST's body as JSON; undefined when it is too large or not JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}
