import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { grouped } from "./flat-deps.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { Supervisor } from "@subagent-mcp/core";
import { asyncStore, Maildir } from "@subagent-mcp/mailbox";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capToolResult, createServer } from "../src/index.js";

/** The server's side of an in-memory pair whose first answer carrying messages cannot be written. */
function failingOnce(inner: Transport): Transport {
  let failed = false;
  return new Proxy(inner, {
    get(target, prop) {
      if (prop !== "send") return Reflect.get(target, prop, target) as unknown;
      return (message: JSONRPCMessage) => {
        if (!failed && JSON.stringify(message).includes('"messages":[{')) {
          failed = true;
          return Promise.reject(new Error("EPIPE: the host is gone"));
        }
        return target.send(message);
      };
    },
  });
}

describe("taking a message with inbox", () => {
  it("acknowledges it only once the answer was written: an answer that failed leaves it in the mailbox", async () => {
    const mail = new Maildir(mkdtempSync(join(tmpdir(), "mail-")));
    const { server } = createServer(
      grouped({ supervisor: new Supervisor({ drivers: {} }), version: "test", messaging: { mail: asyncStore(mail), self: "bob" } }),
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(failingOnce(serverSide));
    const client = new Client({ name: "bob", version: "1" });
    await client.connect(clientSide);
    mail.send({ from: "alice", to: "bob", body: "the only copy", priority: "normal" });

    // The answer never arrives (the client gives up); the message must not be gone with it.
    await expect(client.callTool({ name: "inbox", arguments: {} }, undefined, { timeout: 1_000 })).rejects.toThrow(/timed out/i);
    expect(mail.claimed("bob")).toBe(0);
    expect(mail.pending("bob")).toBe(1);

    const again = await client.callTool({ name: "inbox", arguments: {} });
    expect(again.structuredContent).toMatchObject({ messages: [{ from: "alice", body: "the only copy" }] });
    expect(mail.pending("bob") + mail.claimed("bob")).toBe(0);
    await client.close();
  });
});

describe("the result cap", () => {
  it("cuts the longest strings of an oversized result, keeping their types, and says so", () => {
    const result = {
      content: [{ type: "text" as const, text: "t".repeat(30_000) }],
      structuredContent: { id: "a1", output: "o".repeat(50_000), small: "kept" },
    };
    const capped = capToolResult(result, 20_000);
    expect(JSON.stringify(capped).length).toBeLessThanOrEqual(20_000);
    expect(capped.structuredContent).toMatchObject({ id: "a1", small: "kept" });
    expect(String(capped.structuredContent?.output)).toMatch(
      /characters cut: the result was over the 20000-character cap \(SUBAGENT_MCP_MAX_RESULT_CHARS\)\]$/,
    );
    expect(capToolResult({ content: [{ type: "text", text: "fine" }] }, 20_000)).toEqual({ content: [{ type: "text", text: "fine" }] });
  });

  it("turns a result that is all structure into an error that says to ask for less", () => {
    const result = { content: [{ type: "text" as const, text: "many" }], structuredContent: { items: Array.from({ length: 5_000 }, (_, i) => ({ n: i })) } };
    const capped = capToolResult(result, 10_000);
    expect(capped.isError).toBe(true);
    expect(JSON.stringify(capped.content)).toMatch(/over the 10000-character cap/);
  });
});

describe("the SDK's output check", () => {
  // delivery.ts skips the SDK's re-parse of results built from the schema's own types by replacing
  // its private `validateToolOutput`: if a new SDK renames it, this fails instead of the skip going quiet.
  it("is the private method the server replaces, and the server replaces it", () => {
    const sdk = McpServer.prototype as unknown as { validateToolOutput?: unknown };
    expect(typeof sdk.validateToolOutput).toBe("function");
    const { server } = createServer(grouped({ supervisor: new Supervisor({ drivers: {} }), version: "test" }));
    expect(Object.prototype.hasOwnProperty.call(server, "validateToolOutput")).toBe(true);
  });
});
