import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { grouped } from "./flat-deps.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Supervisor } from "@subagent-mcp/core";
import { asyncStore, Maildir } from "@subagent-mcp/mailbox";
import { mkdtempSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { createServer } from "../src/index.js";
import { startChildEndpoint, type ChildEndpoint } from "../src/runtime.js";

/** A POST with the headers given as is (fetch would not let a test set Host). */
function post(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }));
  });
}

/** An endpoint serving the messaging tools from `mail`, each server built noted in `built`; closed after `use`. */
async function withEndpoint(use: (endpoint: ChildEndpoint, mail: Maildir, built: string[]) => Promise<void>): Promise<void> {
  const mail = new Maildir(mkdtempSync(join(tmpdir(), "child-endpoint-")));
  const supervisor = new Supervisor({ drivers: {} });
  const built: string[] = [];
  const endpoint = await startChildEndpoint((self) => {
    built.push(self);
    return createServer(grouped({ supervisor, version: "0", messaging: { mail: asyncStore(mail), self }, toolsets: ["messaging"] })).server;
  });
  try {
    await use(endpoint, mail, built);
  } finally {
    await endpoint.close();
    await supervisor.shutdown();
  }
}

describe("the sub-agents' loopback messaging endpoint", () => {
  it("speaks for each agent only at its own signed address, with the messaging tools alone", () =>
    withEndpoint(async (endpoint, mail) => {
      const url = endpoint.url("a1b2c3d4");
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/agents\/a1b2c3d4\/[0-9a-f]{32}\/mcp$/);
      const client = new Client({ name: "child", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const tools = (await client.listTools()).tools.map((t) => t.name).sort();
      expect(tools).toEqual(["inbox", "reply", "send_to", "wait_inbox"]);
      await client.callTool({ name: "send_to", arguments: { to: "orchestrator", message: "a question" } });
      expect(mail.receive("orchestrator")[0]).toMatchObject({ from: "a1b2c3d4", body: "a question" });
      await client.close();

      // Another agent's name with this agent's signature, or no signature, is nobody.
      const forged = url.replace("/a1b2c3d4/", "/e5f6a7b8/");
      expect((await fetch(forged, { method: "POST", body: "{}" })).status).toBe(404);
      expect((await fetch(url.replace(/\/[0-9a-f]{32}\/mcp$/, "/mcp"), { method: "POST" })).status).toBe(404);
      expect((await fetch(url)).status).toBe(405);
    }));

  it("answers only requests addressed to 127.0.0.1 or localhost with no browser Origin (DNS rebinding)", () =>
    withEndpoint(async (endpoint) => {
      const url = endpoint.url("a1b2c3d4");
      const port = new URL(url).port;
      expect(await post(url, {})).toBe(200);
      expect(await post(url, { host: `localhost:${port}` })).toBe(200);
      expect(await post(url, { host: `attacker.example:${port}` })).toBe(403);
      expect(await post(url, { host: "127.0.0.1" })).toBe(403);
      expect(await post(url, { origin: "http://attacker.example" })).toBe(403);
      expect(await post(url, { origin: "null" })).toBe(403);
    }));

  it("warms itself when the first address is handed out, not before, and only once", () =>
    withEndpoint(async (endpoint, _mail, built) => {
      expect(built).toEqual([]);
      endpoint.url("a1b2c3d4");
      // The sub-agent has not connected: the endpoint answered a tools/list of its own.
      await vi.waitFor(() => {
        expect(built).toEqual(["a1b2c3d4"]);
      });
      expect(await post(endpoint.url("e5f6a7b8"), {})).toBe(200);
      expect(built).toEqual(["a1b2c3d4", "e5f6a7b8"]);
    }));
});
