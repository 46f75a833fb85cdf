import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SafeName } from "@subagent-mcp/mailbox";

/**
 * A sub-agent's CLI holds its first model request until it has listed our tools, and a cold
 * endpoint answers that first handshake ~100 ms slower (loading the transport, compiling the
 * request path and the tools' schemas). So the first address handed out warms it with one
 * tools/list to ourselves while that CLI is still starting; after the current tick, so the launch
 * that asked for the address answers first.
 */
function warmUp(address: string): void {
  setImmediate(() => {
    const req = request(
      address,
      { method: "POST", agent: false, headers: { "content-type": "application/json", accept: "application/json, text/event-stream" } },
      (res) => res.resume(),
    );
    req.on("error", () => undefined);
    req.end(JSON.stringify({ jsonrpc: "2.0", id: 0, method: "tools/list" }));
  });
}

/** Where each sub-agent reaches its own messaging tools. */
export interface ChildEndpoint {
  /** The streamable-HTTP MCP address that speaks for mailbox `self`. */
  url(self: string): string;
  close(): Promise<void>;
}

const PATH = /^\/agents\/([^/]+)\/([0-9a-f]{32})\/mcp$/;

/**
 * One loopback HTTP endpoint that gives every sub-agent its own messaging tools, instead of one
 * more Node process (≈65 MB and a few hundred ms of CPU) per sub-agent. Each address carries the
 * agent's mailbox name and an HMAC of it under a key that lives only in this process, so only the
 * agents we configured can call it, and each only as itself. Stateless: every request gets a fresh
 * server built by `build(self)`; the messaging tools keep their state in the mailboxes.
 */
export async function startChildEndpoint(build: (self: string) => McpServer): Promise<ChildEndpoint> {
  const key = randomBytes(32);
  const sign = (self: string): string => createHmac("sha256", key).update(self).digest("hex").slice(0, 32);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // DNS rebinding: a web page can point a name of its own at 127.0.0.1, but its requests then
    // carry that name as Host, and a browser always says where it comes from (Origin). Our CLIs do neither.
    if (!localHosts.has(req.headers.host ?? "") || req.headers.origin !== undefined) {
      res.writeHead(403).end();
      return;
    }
    const match = PATH.exec(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    const self = match?.[1] ?? "";
    const given = Buffer.from(match?.[2] ?? "");
    const wanted = Buffer.from(sign(self));
    if (match === null || !SafeName.safeParse(self).success || given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      res.writeHead(404).end();
      return;
    }
    // Stateless servers have no stream to resume and no session to delete.
    if (req.method !== "POST") {
      res.writeHead(405, { Allow: "POST" }).end();
      return;
    }
    // Loaded on first use (see warmUp): a server whose sub-agents never message pays nothing for it.
    const { StreamableHTTPServerTransport } = await import("@modelcontextprotocol/sdk/server/streamableHttp.js");
    const server = build(self);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.end();
    });
  });
  // wait_inbox may hold a request for up to 10 minutes.
  http.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(0, "127.0.0.1", () => {
      resolve();
    });
  });
  http.unref();
  const { port } = http.address() as AddressInfo;
  const localHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  let warm = false;
  return {
    url: (self) => {
      const address = `http://127.0.0.1:${port}/agents/${SafeName.parse(self)}/${sign(self)}/mcp`;
      if (!warm) warmUp(address);
      warm = true;
      return address;
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => {
          resolve();
        });
      }),
  };
}
