import { randomBytes } from "node:crypto";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { listenLoopback, sameSecret, serveStateless } from "./loopback.js";

/** Why a token was refused: a token never issued (or malformed), one whose holder ended, or one issued for another id. */
export type Refusal = "unknown" | "expired" | "not-yours";

/**
 * A sub-agent's CLI holds its first model request until it has listed our tools, and a cold
 * endpoint answers that first handshake ~100 ms slower (loading the transport, compiling the
 * request path and the tools' schemas). So the first address handed out warms it with one
 * tools/list to ourselves while that CLI is still starting: handed to `later` (the server's launch
 * gate), so that it runs with the CLI starts, once the launch calls that asked are answered. Not
 * before the first launch: an endpoint nobody used yet stays light (apps/bench, "idle server RSS").
 */
function warmUp(address: string, secret: string, later: (run: () => void) => void): void {
  later(() => {
    // node:http is loaded here, by the first launch, not by a server that never launches.
    const req = process
      .getBuiltinModule("node:http")
      .request(
        address,
        { method: "POST", agent: false, headers: { "content-type": "application/json", accept: "application/json, text/event-stream", [WARM_UP]: secret } },
        (res) => res.resume(),
      );
    req.on("error", () => undefined);
    req.end(JSON.stringify({ jsonrpc: "2.0", id: 0, method: "tools/list" }));
  });
}

// Carries our own warm-up request's secret: it speaks for no agent.
const WARM_UP = "x-subagent-mcp-warm-up";

/** The servers an id's holder reaches here: its own subagent-mcp tools (`mcp`), or its messaging tools alone (`mailbox`). */
export type ServerKind = "mcp" | "mailbox";

/** Where each token's holder reaches the servers that act for it. */
export interface TokenEndpoint {
  /** The streamable-HTTP MCP address of `id`'s `kind` server (its token goes in an Authorization header). */
  url(id: string, kind: ServerKind): string;
  close(): Promise<void>;
}

/** What the endpoint serves: the scope a token acts in (a refusal's reason otherwise), and the server of each kind for a scope. */
export interface TokenServing<S> {
  scopeOf(id: string, token: string | undefined): S | Refusal;
  build(scope: S, kind: ServerKind): McpServer;
  /** The scope our own warm-up request is answered in: it speaks for no one, and lists tools only. */
  warmScope(): S;
  /** Told of each request a holder makes (not our warm-up): it did start the server it was given. */
  reached(id: string): void;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const PATH = /^\/agents\/([^/]+)\/(mcp|mailbox)$/;
const BEARER = /^Bearer ([A-Za-z0-9_-]{16,128})$/;

/**
 * One loopback HTTP endpoint where every sub-agent's CLI reaches the one server of its tree,
 * instead of starting a server process of its own: its subagent-mcp tools act for it (its depth,
 * ceiling, lineage and budgets), and its messaging tools speak for its mailbox. Each request names
 * the agent in its path and carries, in its Authorization header, the token issued to that agent at
 * its launch: a token we never issued, one of an agent that ended, or another agent's is refused
 * (401, 401, 403). Stateless: every request gets a fresh server; the tools keep their state in the
 * runtime and the mailboxes.
 */
export async function startTokenEndpoint<S>(serving: TokenServing<S>, later: (run: () => void) => void = setImmediate): Promise<TokenEndpoint> {
  const warmSecret = randomBytes(24).toString("base64url");
  const listener = await listenLoopback(async (req, res) => {
    const match = PATH.exec(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    const id = match?.[1] ?? "";
    const kind = (match?.[2] ?? "mcp") as ServerKind;
    if (match === null || !ID.test(id)) {
      res.writeHead(404).end();
      return;
    }
    const warm = req.headers[WARM_UP];
    if (typeof warm === "string" && sameSecret(warm, warmSecret)) {
      await serveStateless(req, res, () => serving.build(serving.warmScope(), kind));
      return;
    }
    const token = BEARER.exec(req.headers.authorization ?? "")?.[1];
    const scope = serving.scopeOf(id, token);
    if (isRefusal(scope)) {
      res.writeHead(scope === "not-yours" ? 403 : 401, { "content-type": "text/plain" }).end(REFUSED[scope]);
      return;
    }
    serving.reached(id);
    await serveStateless(req, res, () => serving.build(scope, kind));
  });
  const { port } = listener;
  let warmed = false;
  return {
    url: (id, kind) => {
      if (!ID.test(id)) throw new TypeError(`not an id this endpoint serves: ${JSON.stringify(id)}`);
      const address = `http://127.0.0.1:${port}/agents/${id}/${kind}`;
      if (!warmed) warmUp(`http://127.0.0.1:${port}/agents/warm-up/${kind}`, warmSecret, later);
      warmed = true;
      return address;
    },
    close: () => listener.close(),
  };
}

const isRefusal = (scope: unknown): scope is Refusal => typeof scope === "string" && scope in REFUSED;

const REFUSED: Record<Refusal, string> = {
  unknown: "unknown token: only the token a sub-agent was launched with reaches its tools",
  expired: "expired token: the agent it was issued to has ended",
  "not-yours": "this token was issued to another agent: a sub-agent acts only as itself",
};
