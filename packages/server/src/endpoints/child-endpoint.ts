import { createHmac, randomBytes } from "node:crypto";
import { request } from "node:http";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SafeName } from "@subagent-mcp/mailbox";
import { listenLoopback, sameSecret, serveStateless } from "./loopback.js";

/**
 * A sub-agent's CLI holds its first model request until it has listed our tools, and a cold
 * endpoint answers that first handshake ~100 ms slower (loading the transport, compiling the
 * request path and the tools' schemas). So the first address handed out warms it with one
 * tools/list to ourselves while that CLI is still starting: handed to `later` (the server's launch
 * gate), so that it runs with the CLI starts, once the launch calls that asked are answered. Not
 * before the first launch: an endpoint nobody used yet stays light (apps/bench, "idle server RSS").
 */
function warmUp(address: string, later: (run: () => void) => void): void {
  later(() => {
    const req = request(
      address,
      { method: "POST", agent: false, headers: { "content-type": "application/json", accept: "application/json, text/event-stream", [WARM_UP]: "1" } },
      (res) => res.resume(),
    );
    req.on("error", () => undefined);
    req.end(JSON.stringify({ jsonrpc: "2.0", id: 0, method: "tools/list" }));
  });
}

// Marks our own warm-up request, which is no sign that the agent whose address it used connected.
const WARM_UP = "x-subagent-mcp-warm-up";

/** Where each sub-agent reaches its own messaging tools. */
export interface ChildEndpoint {
  /** The streamable-HTTP MCP address that speaks for mailbox `self`. */
  url(self: string): string;
  /** Where the subagent-mcp server under agent `self` reports what its tree spent and asks what is left (same signature, `tree` in place of `mcp`). */
  treeUrl(self: string): string;
  close(): Promise<void>;
}

// An agent's messaging tools at .../mcp; at .../tree, the tool the server under it reports its tree's spending with.
const PATH = /^\/agents\/([^/]+)\/([0-9a-f]{32})\/(mcp|tree)$/;

/**
 * One loopback HTTP endpoint that gives every sub-agent its own messaging tools, instead of one
 * more Node process (≈65 MB and a few hundred ms of CPU) per sub-agent. Each address carries the
 * agent's mailbox name and an HMAC of it under a key that lives only in this process, so only the
 * agents we configured can call it, and each only as itself. Stateless: every request gets a fresh
 * server built by `build(self)`; the messaging tools keep their state in the mailboxes. Whom it
 * heard from is told to `reached`: an agent that ignores the MCP servers handed to it (some ACP
 * agents do) never calls, and poll_agent says so.
 */
export async function startChildEndpoint(
  build: (self: string) => McpServer,
  later: (run: () => void) => void = setImmediate,
  /** Told of each request a sub-agent makes as `self` (not our warm-up): it did start the server it was given. */
  reached: (self: string) => void = () => undefined,
  /** The server answering at agent `self`'s tree address (none: that address is not served). */
  tree?: (self: string) => McpServer,
): Promise<ChildEndpoint> {
  const key = randomBytes(32);
  const sign = (self: string): string => createHmac("sha256", key).update(self).digest("hex").slice(0, 32);

  const listener = await listenLoopback(async (req, res) => {
    const match = PATH.exec(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    const self = match?.[1] ?? "";
    if (match === null || !SafeName.safeParse(self).success || !sameSecret(match[2] ?? "", sign(self))) {
      res.writeHead(404).end();
      return;
    }
    if (match[3] === "tree") {
      if (tree === undefined) res.writeHead(404).end();
      else await serveStateless(req, res, () => tree(self));
      return;
    }
    if (req.headers[WARM_UP] === undefined) reached(self);
    await serveStateless(req, res, () => build(self));
  });
  const { port } = listener;
  const base = (self: string): string => `http://127.0.0.1:${port}/agents/${SafeName.parse(self)}/${sign(self)}`;
  let warm = false;
  return {
    treeUrl: (self) => `${base(self)}/tree`,
    url: (self) => {
      const address = `${base(self)}/mcp`;
      if (!warm) warmUp(address, later);
      warm = true;
      return address;
    },
    close: () => listener.close(),
  };
}
