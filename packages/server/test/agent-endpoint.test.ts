import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { grouped } from "./flat-deps.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Supervisor } from "@subagent-mcp/core";
import { asyncStore, Maildir } from "@subagent-mcp/mailbox";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { createServer } from "../src/index.js";
import { startTokenEndpoint, type ServerKind as AgentServerKind, type TokenEndpoint as AgentEndpoint } from "@subagent-mcp/mcp-transport/loopback";
import { AgentTree, type AgentScope } from "../src/nesting/agent-tree.js";

/** A POST of a tools/list with the headers given as is (fetch would not let a test set Host); resolves with the status and body. */
function post(url: string, headers: Record<string, string>, method = "POST"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on("error", reject);
    req.end(method === "POST" ? JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) : undefined);
  });
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

const scope = (id: string): AgentScope => ({ id, depth: 1, ceiling: { level: "default", tools: [] }, lineage: [id] });

interface Rig {
  endpoint: AgentEndpoint;
  tree: AgentTree;
  mail: Maildir;
  /** The scope and kind of each server the endpoint built, in order. */
  built: { id: string; kind: AgentServerKind }[];
  /** The agents the endpoint said reached it, in order. */
  reached: string[];
  /** How many times the endpoint handed `later` a warm-up. */
  warmUps: () => number;
}

/**
 * An endpoint over a tree, serving each scope the messaging tools from one mailbox store; closed
 * after `use`. `warm`: its warm-up runs (else it is handed to `later` and never run).
 */
async function withEndpoint(use: (rig: Rig) => Promise<void>, warm = false): Promise<void> {
  const mail = new Maildir(mkdtempSync(join(tmpdir(), "agent-endpoint-")));
  const supervisor = new Supervisor({ drivers: {} });
  const tree = new AgentTree();
  const built: Rig["built"] = [];
  const reached: string[] = [];
  let warmUps = 0;
  const endpoint = await startTokenEndpoint<AgentScope>(
    {
      warmScope: () => ({ id: "warm-up", depth: 1, ceiling: { level: "default", tools: [] }, lineage: ["warm-up"] }),
      scopeOf: (id, token) => tree.scopeOf(id, token),
      build: (at, kind) => {
        built.push({ id: at.id, kind });
        return createServer(grouped({ supervisor, version: "0", messaging: { mail: asyncStore(mail), self: at.id }, toolsets: ["messaging"] })).server;
      },
      reached: (id) => reached.push(id),
    },
    (run) => {
      warmUps += 1;
      if (warm) setImmediate(run);
    },
  );
  try {
    await use({ endpoint, tree, mail, built, reached, warmUps: () => warmUps });
  } finally {
    await endpoint.close();
    await supervisor.shutdown();
  }
}

describe("the agent endpoint", () => {
  it("with the token issued to an agent, reaches that agent's server, which speaks for it", () =>
    withEndpoint(async ({ endpoint, tree, mail, built, reached }) => {
      const token = tree.admit(scope("a1b2c3d4"), undefined);
      const url = endpoint.url("a1b2c3d4", "mailbox");
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/agents\/a1b2c3d4\/mailbox$/);
      expect(endpoint.url("a1b2c3d4", "mcp")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/agents\/a1b2c3d4\/mcp$/);
      const client = new Client({ name: "child", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
      const tools = (await client.listTools()).tools.map((t) => t.name).sort();
      expect(tools).toEqual(["inbox", "reply", "send_to", "wait_inbox"]);
      await client.callTool({ name: "send_to", arguments: { to: "orchestrator", message: "a question" } });
      expect(mail.receive("orchestrator")[0]).toMatchObject({ from: "a1b2c3d4", body: "a question" });
      await client.close();
      expect(new Set(built.map((b) => `${b.id}/${b.kind}`))).toEqual(new Set(["a1b2c3d4/mailbox"]));
      expect(new Set(reached)).toEqual(new Set(["a1b2c3d4"]));
      // Stateless: anything but a POST has nothing to answer.
      expect((await post(url, bearer(token), "GET")).status).toBe(405);
    }));

  it("refuses a request with no token, a malformed one or one never issued (401), building nothing", () =>
    withEndpoint(async ({ endpoint, tree, built, reached }) => {
      const token = tree.admit(scope("a1b2c3d4"), undefined);
      const url = endpoint.url("a1b2c3d4", "mcp");
      const refused = [
        {},
        { authorization: "" },
        { authorization: token },
        { authorization: `Basic ${token}` },
        { authorization: `Bearer ${token}!` },
        { authorization: `Bearer ${token} ${token}` },
        { authorization: "Bearer short" },
        { authorization: `Bearer ${"a".repeat(129)}` },
        bearer(randomBytes(32).toString("base64url")),
        // Our own warm-up's header, with a secret it does not hold.
        { "x-subagent-mcp-warm-up": randomBytes(24).toString("base64url") },
      ];
      for (const headers of refused) {
        const answer = await post(url, headers);
        expect(answer, JSON.stringify(headers)).toEqual({ status: 401, body: expect.stringContaining("unknown token") as unknown });
      }
      expect(built).toEqual([]);
      expect(reached).toEqual([]);
      expect((await post(url, bearer(token))).status).toBe(200);
    }));

  it("refuses another agent's token (403) without building that agent's server", () =>
    withEndpoint(async ({ endpoint, tree, built, reached }) => {
      const mine = tree.admit(scope("a1b2c3d4"), undefined);
      const theirs = tree.admit(scope("e5f6a7b8"), undefined);
      for (const kind of ["mcp", "mailbox"] as const) {
        const answer = await post(endpoint.url("a1b2c3d4", kind), bearer(theirs));
        expect(answer).toEqual({ status: 403, body: expect.stringContaining("issued to another agent") as unknown });
        expect((await post(endpoint.url("e5f6a7b8", kind), bearer(mine))).status).toBe(403);
      }
      expect(built).toEqual([]);
      expect(reached).toEqual([]);
    }));

  it("refuses the token of an agent that ended (401, expired), and a resumed agent's earlier token", () =>
    withEndpoint(async ({ endpoint, tree, built }) => {
      const token = tree.admit(scope("a1b2c3d4"), undefined);
      const url = endpoint.url("a1b2c3d4", "mcp");
      expect((await post(url, bearer(token))).status).toBe(200);
      tree.ended("a1b2c3d4");
      expect(await post(url, bearer(token))).toEqual({ status: 401, body: expect.stringContaining("expired token") as unknown });
      // Resumed: it is handed a new token, and the old one stays refused.
      const resumed = tree.admit(scope("a1b2c3d4"), undefined);
      expect(resumed).not.toBe(token);
      expect((await post(url, bearer(token))).status).toBe(401);
      expect((await post(url, bearer(resumed))).status).toBe(200);
      expect(built.map((b) => b.id)).toEqual(["a1b2c3d4", "a1b2c3d4"]);
    }));

  it("answers only paths of an agent's servers", () =>
    withEndpoint(async ({ endpoint, tree }) => {
      const token = tree.admit(scope("a1b2c3d4"), undefined);
      const url = endpoint.url("a1b2c3d4", "mcp");
      for (const path of ["/agents/a1b2c3d4/other", "/agents/a1b2c3d4", "/agents/a1b2c3d4/mcp/x", "/mcp", "/agents/a%2Fb/mcp", "/agents/../mcp"]) {
        expect((await post(new URL(path, url).href, bearer(token))).status, path).toBe(404);
      }
    }));

  it("answers only requests addressed to 127.0.0.1 or localhost with no browser Origin (DNS rebinding)", () =>
    withEndpoint(async ({ endpoint, tree, built }) => {
      const token = tree.admit(scope("a1b2c3d4"), undefined);
      const url = endpoint.url("a1b2c3d4", "mcp");
      const port = new URL(url).port;
      expect((await post(url, bearer(token))).status).toBe(200);
      expect((await post(url, { ...bearer(token), host: `localhost:${port}` })).status).toBe(200);
      expect(built).toHaveLength(2);
      expect((await post(url, { ...bearer(token), host: `attacker.example:${port}` })).status).toBe(403);
      expect((await post(url, { ...bearer(token), host: "127.0.0.1" })).status).toBe(403);
      expect((await post(url, { ...bearer(token), origin: "http://attacker.example" })).status).toBe(403);
      expect((await post(url, { ...bearer(token), origin: "null" })).status).toBe(403);
      expect(built).toHaveLength(2);
    }));

  it("warms itself when the first address is handed out, not before, and only once, speaking for no agent", () =>
    withEndpoint(async ({ endpoint, tree, built, reached, warmUps }) => {
      const token = tree.admit(scope("e5f6a7b8"), undefined);
      expect(warmUps()).toBe(0);
      expect(built).toEqual([]);
      endpoint.url("a1b2c3d4", "mailbox");
      expect(warmUps()).toBe(1);
      // Nobody has connected: the endpoint answered a tools/list of its own.
      await vi.waitFor(() => {
        expect(built).toEqual([{ id: "warm-up", kind: "mailbox" }]);
      });
      expect(reached).toEqual([]);
      expect((await post(endpoint.url("e5f6a7b8", "mcp"), bearer(token))).status).toBe(200);
      endpoint.url("a1b2c3d4", "mcp");
      expect(warmUps()).toBe(1);
      expect(built).toEqual([
        { id: "warm-up", kind: "mailbox" },
        { id: "e5f6a7b8", kind: "mcp" },
      ]);
      expect(reached).toEqual(["e5f6a7b8"]);
    }, true));
});
