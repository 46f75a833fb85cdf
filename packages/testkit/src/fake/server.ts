import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { directiveReply } from "./directives.js";
import type { FakeKind, FakeReply, FakeRequest, RecordedRequest, Scripter } from "./types.js";

/** A running fake model server on 127.0.0.1. */
export interface FakeModelServer {
  readonly kind: FakeKind;
  /** Base URL, e.g. `http://127.0.0.1:43121`: give it to `loopbackEnv`. */
  readonly url: string;
  /** Random per-server token that every text answer carries, proving the answer came from here. */
  readonly nonce: string;
  /** Every request received, in order, with what was answered. */
  readonly requests: readonly RecordedRequest[];
  /** Replaces the scripter; replies it leaves undefined fall back to the default directives. */
  script(scripter: Scripter | undefined): void;
  /**
   * Resolves with the first recorded request (already there or still to come) that matches;
   * rejects after `timeoutMs`, naming `what`. Event-driven: a slow CLI start costs no polling.
   */
  waitForRequest(match: (request: RecordedRequest) => boolean, what: string, timeoutMs?: number): Promise<RecordedRequest>;
  /** Forgets the recorded requests. */
  clearRequests(): void;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

/** What a protocol module gets to answer one HTTP request. */
export interface FakeExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Path without the query string. */
  readonly path: string;
  readonly url: URL;
  /** The parsed JSON body, or undefined for an empty or non-JSON body. */
  readonly body: unknown;
  readonly nonce: string;
  /** The reply the scripter (or the default directives) picks for this request. */
  choose(request: FakeRequest): FakeReply;
  /** Adds the request and what was answered to the log. */
  record(entry: Omit<RecordedRequest, "method" | "at" | "body">): void;
}

/** A protocol module: answers one exchange, or returns false to let the server answer 404. */
export type FakeHandler = (exchange: FakeExchange) => Promise<boolean>;

/** Starts an HTTP server on a random port of 127.0.0.1 (never another address) for one protocol. */
export async function startFakeServer(kind: FakeKind, handler: FakeHandler): Promise<FakeModelServer> {
  const nonce = `NONCE-${randomBytes(6).toString("hex")}`;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const emitter = new EventEmitter();
  let scripter: Scripter | undefined;

  const server = createServer((req, res) => {
    void readBody(req)
      .then(async (raw) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const exchange: FakeExchange = {
          req,
          res,
          path: url.pathname,
          url,
          body: parseJson(raw),
          nonce,
          choose: (request) => scripter?.(request, nonce) ?? directiveReply(request, nonce),
          record: (entry) => {
            const recorded: RecordedRequest = { ...entry, method: req.method ?? "GET", at: Date.now(), receivedAt: performance.now(), body: parseJson(raw) };
            requests.push(recorded);
            emitter.emit("request", recorded);
            // When the last byte went out: "the model finished", for latency measurements.
            res.once("finish", () => {
              recorded.endedAt = performance.now();
            });
          },
        };
        const handled = await handler(exchange);
        if (!handled) {
          requests.push({ ...unhandled(kind, url.pathname), method: req.method ?? "GET", at: Date.now(), body: parseJson(raw) });
          res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
        }
      })
      .catch((error: unknown) => {
        console.error(`[fake ${kind}]`, error);
        if (!res.headersSent) res.writeHead(500).end(String(error));
        else res.destroy();
      });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    kind,
    url: `http://127.0.0.1:${port}`,
    nonce,
    requests,
    script: (next) => {
      scripter = next;
    },
    waitForRequest: (match, what, timeoutMs = 75_000) => waitForRequest(kind, requests, emitter, match, what, timeoutMs),
    clearRequests: () => {
      requests.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** The first request of `requests`, or the first `emitter` announces, that `match`es; rejects after `timeoutMs`. */
function waitForRequest(
  kind: FakeKind,
  requests: readonly RecordedRequest[],
  emitter: EventEmitter,
  match: (request: RecordedRequest) => boolean,
  what: string,
  timeoutMs: number,
): Promise<RecordedRequest> {
  return new Promise<RecordedRequest>((resolve, reject) => {
    const seen = requests.find(match);
    if (seen !== undefined) {
      resolve(seen);
      return;
    }
    const listener = (request: RecordedRequest): void => {
      if (!match(request)) return;
      clearTimeout(timer);
      emitter.off("request", listener);
      resolve(request);
    };
    const timer = setTimeout(() => {
      emitter.off("request", listener);
      reject(new Error(`[fake ${kind}] timed out after ${timeoutMs} ms waiting for: ${what}`));
    }, timeoutMs);
    emitter.on("request", listener);
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}

function parseJson(raw: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function unhandled(kind: FakeKind, path: string): Omit<RecordedRequest, "method" | "at" | "body"> {
  return {
    kind,
    path,
    model: "",
    stream: false,
    messages: [],
    tools: [],
    wantsJson: false,
    afterToolResult: false,
    lastUserText: "",
    reply: "none",
    usage: undefined,
  };
}
