import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { McpServerSpec } from "@subagent-mcp/contract";
import { listenOnLoopback, statelessMcpHandler } from "./stateless-http.js";

// Stand-ins for a user's own MCP servers: `notes`, one tool, `notes_get`, which answers a value
// the server was given the way a user's server is given its secrets (an env var, a header), so a
// test can see that secret reach the model only through the tool.

/** The one tool of a notes server, and its name as the CLIs call it after the server's name. */
export const NOTES_TOOL = "notes_get";

// The script a CLI starts, in CommonJS: the SDK is required by absolute path, so it runs from any folder.
const script = (mcp: string, stdio: string): string => `
const { McpServer } = require(${JSON.stringify(mcp)});
const { StdioServerTransport } = require(${JSON.stringify(stdio)});
const server = new McpServer({ name: "notes", version: "1.0.0" });
server.registerTool(${JSON.stringify(NOTES_TOOL)}, { description: "Returns the note kept by this server." }, async () => ({
  // NOTES_VALUE (tests only): the note the testkit's notes MCP server answers with, set in its env by a test that follows it to the model.
  content: [{ type: "text", text: "note: " + (process.env.NOTES_VALUE ?? "(none)") }],
}));
server.connect(new StdioServerTransport());
`;

/** A stdio notes server: the spec that starts it (its value in `NOTES_VALUE`), and its script's folder removed by `cleanup`. */
export interface NotesStdio {
  spec: Extract<McpServerSpec, { command: string }>;
  cleanup(): void;
}

/** Writes the notes server's script to a folder of its own; `value` reaches its tool through the env. */
export function notesStdioServer(value: string, name = "notes"): NotesStdio {
  const require = createRequire(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), "notes-mcp-"));
  const path = join(dir, "notes-server.cjs");
  writeFileSync(path, script(require.resolve("@modelcontextprotocol/sdk/server/mcp.js"), require.resolve("@modelcontextprotocol/sdk/server/stdio.js")));
  return {
    spec: { name, command: process.execPath, args: [path], env: { NOTES_VALUE: value } },
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A notes server over streamable HTTP on 127.0.0.1 that answers only requests with its `Authorization` header. */
export interface NotesHttp {
  spec: Extract<McpServerSpec, { url: string }>;
  /** Tool calls answered so far. */
  readonly calls: number;
  /** Requests refused for a missing or wrong `Authorization` header. */
  readonly refused: number;
  stop(): Promise<void>;
}

/** Starts an HTTP notes server on a free port; its spec carries the bearer token it requires. */
export async function startNotesHttpServer(value: string, token: string, name = "notes"): Promise<NotesHttp> {
  const { McpServer } = await import("@modelcontextprotocol/sdk/server/mcp.js");
  const counts = { calls: 0, refused: 0 };
  const serve = await statelessMcpHandler(() => {
    const server = new McpServer({ name: "notes", version: "1.0.0" });
    server.registerTool(NOTES_TOOL, { description: "Returns the note kept by this server." }, () => {
      counts.calls += 1;
      return { content: [{ type: "text", text: `note: ${value}` }] };
    });
    return server;
  });
  const http = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      counts.refused += 1;
      res.writeHead(401, { "Content-Type": "application/json" }).end(JSON.stringify({ error: "unauthorized" }));
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405, { Allow: "POST" }).end();
      return;
    }
    serve(req, res);
  });
  const { port, stop } = await listenOnLoopback(http);
  return {
    spec: { name, url: `http://127.0.0.1:${port}/mcp`, headers: { Authorization: `Bearer ${token}` } },
    get calls() {
      return counts.calls;
    },
    get refused() {
      return counts.refused;
    },
    stop,
  };
}
