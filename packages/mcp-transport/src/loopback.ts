import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createListener, type AddressInfo, type Socket } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

// What both of our loopback endpoints (the sub-agents' messaging, the dashboard's control) share:
// the listener, the rules on who may call, and a stateless MCP server per request.

/** An HTTP listener on 127.0.0.1 at a port the system chose. */
export interface LoopbackListener {
  port: number;
  close(): Promise<void>;
}

/**
 * DNS rebinding: a web page can point a name of its own at 127.0.0.1, but its requests then carry
 * that name as Host, and a browser always says where it comes from (Origin). Our clients do neither.
 */
export function fromLoopback(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host ?? "";
  return (host === `127.0.0.1:${port}` || host === `localhost:${port}`) && req.headers.origin === undefined;
}

/** Whether `given` is `wanted`, in time that does not depend on where they differ. */
export function sameSecret(given: string, wanted: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(wanted);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Listens on 127.0.0.1 (a random port) and answers with `handle`; a request from elsewhere (see
 * {@link fromLoopback}) gets 403 before `handle` sees it. The listener does not keep the process alive.
 *
 * The port is a plain TCP listener, and node's HTTP server (~1 MB resident of parser, agent and
 * server code) is made by the first connection, which is handed to it in the same tick, before any
 * byte is read: an endpoint nobody calls (the dashboard's, on most servers) costs a socket, no more.
 */
export async function listenLoopback(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<LoopbackListener> {
  let port = 0;
  let http: Server | undefined;
  const serve = (): Server => {
    const made = process.getBuiltinModule("node:http").createServer((req, res) => {
      if (!fromLoopback(req, port)) {
        res.writeHead(403).end();
        return;
      }
      handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(error));
        else res.end();
      });
    });
    // wait_inbox may hold a request for up to 10 minutes, and an event stream stays open.
    made.requestTimeout = 0;
    return made;
  };
  // Its own list of connections: an HTTP server that never listened keeps none (closeAllConnections would end nothing).
  const open = new Set<Socket>();
  const listener = createListener((socket: Socket) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
    http ??= serve();
    http.emit("connection", socket);
  });
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(0, "127.0.0.1", () => {
      resolve();
    });
  });
  listener.unref();
  port = (listener.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        listener.close(() => {
          resolve();
        });
      }),
  };
}

/**
 * Answers one MCP request with a fresh server and transport, both closed with the response:
 * stateless, so there is no stream to resume and no session to delete (anything but POST is 405).
 */
export async function serveStateless(req: IncomingMessage, res: ServerResponse, build: () => McpServer): Promise<void> {
  if (req.method !== "POST") {
    res.writeHead(405, { Allow: "POST" }).end();
    return;
  }
  // Loaded on first use: a server whose endpoint is never called pays nothing for it.
  const { StreamableHTTPServerTransport } = await import("@modelcontextprotocol/sdk/server/streamableHttp.js");
  const server = build();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on("close", () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
}
