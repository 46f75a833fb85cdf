import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

// A stand-in MCP server over streamable HTTP, as the tests' fakes run it: stateless, on a free
// port of 127.0.0.1, stopped with every connection it still holds.

/** Answers one request of an HTTP server: the MCP request in it, then the response and both closed. */
export type McpRequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A handler that answers each request with a fresh server from `build` and a transport of its own
 * (stateless: no session id), both closed with the response.
 */
export async function statelessMcpHandler(build: () => McpServer): Promise<McpRequestHandler> {
  // Loaded here, not at the top: the index of testkit loads no MCP SDK until a test wants one.
  const { StreamableHTTPServerTransport } = await import("@modelcontextprotocol/sdk/server/streamableHttp.js");
  return (req, res) => {
    const server = build();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    void server.connect(transport).then(() => transport.handleRequest(req, res));
  };
}

/** `http` listening on a free port of 127.0.0.1: its port, and a stop that drops its open connections first. */
export async function listenOnLoopback(http: Server): Promise<{ port: number; stop: () => Promise<void> }> {
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => {
          resolve();
        });
      }),
  };
}
