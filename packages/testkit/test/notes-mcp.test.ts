import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import { NOTES_TOOL, notesStdioServer, startNotesHttpServer } from "../src/index.js";

const text = (result: unknown): string => (result as { content: { text: string }[] }).content[0]?.text ?? "";

describe("the notes MCP servers", () => {
  const done: (() => unknown)[] = [];
  afterEach(async () => {
    for (const d of done.splice(0)) await d();
  });

  it("stdio: its tool answers the value its env was given", async () => {
    const notes = notesStdioServer("secret-xyz");
    done.push(() => {
      notes.cleanup();
    });
    expect(notes.spec.args.join(" ")).not.toContain("secret-xyz");
    const client = new Client({ name: "test", version: "1" });
    await client.connect(new StdioClientTransport({ command: notes.spec.command, args: notes.spec.args, env: notes.spec.env }));
    done.push(() => client.close());
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual([NOTES_TOOL]);
    expect(text(await client.callTool({ name: NOTES_TOOL, arguments: {} }))).toBe("note: secret-xyz");
  });

  it("http: on 127.0.0.1, answers only with its Authorization header", async () => {
    const notes = await startNotesHttpServer("secret-http", "tok-1");
    done.push(() => notes.stop());
    expect(new URL(notes.spec.url).hostname).toBe("127.0.0.1");
    const client = new Client({ name: "test", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(notes.spec.url), { requestInit: { headers: notes.spec.headers } }));
    done.push(() => client.close());
    expect(text(await client.callTool({ name: NOTES_TOOL, arguments: {} }))).toBe("note: secret-http");
    expect(notes.calls).toBe(1);
    const stranger = new Client({ name: "test", version: "1" });
    await expect(stranger.connect(new StreamableHTTPClientTransport(new URL(notes.spec.url)))).rejects.toThrow();
    expect(notes.refused).toBeGreaterThan(0);
  });
});
