import { randomBytes } from "node:crypto";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ChangeFeed } from "./change-feed.js";
import { listenLoopback, sameSecret, serveStateless } from "@subagent-mcp/mcp-transport/loopback";
import { removeServerRecord, writeServerRecord } from "@subagent-mcp/state/server-records";
import type { Sandbox } from "@subagent-mcp/sandbox";
import { selfRef } from "@subagent-mcp/state";
import { errorMessage } from "@subagent-mcp/errors";
import { isoTime } from "@subagent-mcp/journal";

/** Where a top-level server publishes its control endpoint: the state dir, and the project and host session it serves. */
export interface ControlSettings {
  stateDir: string;
  cwd: string;
  /** The host session's id, when the host tells its MCP servers (Claude Code's CLAUDE_CODE_SESSION_ID). */
  session?: string;
}

/** This server's live state and controls, for the dashboard. */
export interface ControlEndpoint {
  /** `http://127.0.0.1:PORT/control/<token>`: POST `<url>/mcp` is MCP, GET `<url>/events` the change events. */
  readonly url: string;
  close(): Promise<void>;
}

const PATH = /^\/control\/([^/]*)\/(mcp|events)$/;

/**
 * A loopback endpoint for the dashboard, behind a random token in its path (a wrong or missing one
 * is 404) and the loopback rules of {@link fromLoopback} (403): POST `/control/<token>/mcp` answers
 * with a stateless server from `build`, GET `/control/<token>/events` streams `feed`.
 */
export async function startControlEndpoint(build: () => McpServer, feed: ChangeFeed): Promise<ControlEndpoint> {
  const token = randomBytes(16).toString("hex");
  const listener = await listenLoopback(async (req, res) => {
    const match = PATH.exec(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    if (match === null || !sameSecret(match[1] ?? "", token)) {
      res.writeHead(404).end();
      return;
    }
    if (match[2] === "mcp") {
      await serveStateless(req, res, build);
      return;
    }
    if (req.method !== "GET") {
      res.writeHead(405, { Allow: "GET" }).end();
      return;
    }
    feed.serve(res);
  });
  return {
    url: `http://127.0.0.1:${listener.port}/control/${token}`,
    close: async () => {
      feed.close();
      await listener.close();
    },
  };
}

/**
 * Starts the control endpoint and publishes it in the server registry (`<stateDir>/servers/<pid>.json`);
 * closing it removes the record first. A server that cannot have one goes on without it, and says
 * so on stderr (undefined).
 */
export async function publishControl(
  settings: ControlSettings,
  version: string,
  build: () => McpServer,
  feed: ChangeFeed,
  sandbox?: Sandbox,
): Promise<ControlEndpoint | undefined> {
  let endpoint: ControlEndpoint | undefined;
  let closed = false;
  try {
    endpoint = await startControlEndpoint(build, feed);
    const record = {
      ...selfRef(),
      cwd: settings.cwd,
      ...(settings.session === undefined || settings.session === "" ? {} : { session: settings.session }),
      started_at: isoTime(),
      version,
      control: endpoint.url,
    };
    writeServerRecord(settings.stateDir, record);
    // Which sandbox holds its agents, found in the background (a probe of a few ms) and added for the dashboard.
    void sandbox?.detect().then((status) => {
      if (!closed) writeServerRecord(settings.stateDir, { ...record, sandbox: status });
    });
  } catch (error) {
    feed.close();
    await endpoint?.close();
    process.stderr.write(`subagent-mcp: no control endpoint for the dashboard: ${errorMessage(error)}\n`);
    return undefined;
  }
  const started = endpoint;
  return {
    url: started.url,
    close: async () => {
      closed = true;
      try {
        removeServerRecord(settings.stateDir);
      } finally {
        await started.close();
      }
    },
  };
}
