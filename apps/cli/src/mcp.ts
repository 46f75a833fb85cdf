import { Maildir } from "@subagent-mcp/mailbox";
import { agentDefinitionSource, ceilingFrom, CHILD_SERVER, createServer, createSupervisor, depthFrom, loadConfig, startChildEndpoint, stdioTransport, TOOLSETS, type Toolset } from "@subagent-mcp/server";
import { join } from "node:path";
import { isOrchestrating, setOrchestrating, stateDir } from "@subagent-mcp/hooks";
import { installedCheck } from "./installed.js";
import { ownMailbox } from "./identity.js";
import { homedir } from "node:os";
import { defineCommand } from "citty";
import { version } from "./version.js";

/**
 * Serves MCP on stdio until the client goes away. stdout carries only the protocol; anything we
 * have to say goes to stderr. Every sub-agent process tree ends with the server: on stdin EOF,
 * SIGTERM, SIGINT or SIGHUP.
 */
export async function serveStdio(): Promise<void> {
  const config = loadConfig({ cwd: process.cwd(), env: process.env });
  const supervisor = createSupervisor(config);
  const mail = mailboxes();
  const depth = depthFrom(process.env);
  // A nested server knows its place from what its launcher passed down: depth, ceiling, mailbox name.
  const own = ownMailbox(mail, process.env, depth);
  const ceiling = ceilingFrom(process.env);
  // Every sub-agent reaches its own messaging tools here, over loopback HTTP: no process per sub-agent.
  const children = await startChildEndpoint((self) => createServer({ supervisor, version, messaging: { mail, self }, toolsets: ["messaging"] }));
  const server = createServer({
    supervisor,
    version,
    depth,
    maxDepth: config.max_depth ?? 2,
    ...(ceiling === undefined ? {} : { ceiling }),
    stallSeconds: config.stall_seconds ?? 600,
    definitions: agentDefinitionSource({ cwd: process.cwd(), home: homedir(), env: process.env }),
    routingTable: config.routingTable,
    routingBranch: config.routingBranch,
    installed: installedCheck(config),
    orchestration: orchestrationState(process.cwd()),
    ...(own.messaging === undefined ? {} : { messaging: own.messaging }),
    ...toolsets(process.env.SUBAGENT_MCP_TOOLSETS),
    // SUBAGENT_MCP_CHILD_MESSAGING=0: sub-agents get no mailbox tools (nothing to serve, nothing in their context).
    ...(process.env.SUBAGENT_MCP_CHILD_MESSAGING === "0" ? {} : { childServer: (self: string) => ({ name: CHILD_SERVER, url: children.url(self) }) }),
  });
  let closing = false;
  const shutdown = async (reason: string, code: number): Promise<void> => {
    if (closing) return;
    closing = true;
    // A second signal while we clean up means "now".
    process.once("SIGINT", () => process.exit(130));
    process.once("SIGTERM", () => process.exit(143));
    try {
      await supervisor.shutdown();
      await server.close();
      await children.close();
      own.retire();
    } catch (error) {
      console.error(`subagent-mcp: error while shutting down (${reason}):`, error);
    }
    process.exit(code);
  };
  process.stdin.on("end", () => void shutdown("stdin closed", 0));
  process.stdin.on("close", () => void shutdown("stdin closed", 0));
  process.once("SIGTERM", () => void shutdown("SIGTERM", 143));
  process.once("SIGINT", () => void shutdown("SIGINT", 130));
  process.once("SIGHUP", () => void shutdown("SIGHUP", 129));
  // Bounded: a request over SUBAGENT_MCP_MAX_REQUEST_BYTES is refused and the server reads on.
  const transport = stdioTransport(process.env);
  transport.onclose = () => void shutdown("transport closed", 0);
  await server.connect(transport);
}

/** SUBAGENT_MCP_TOOLSETS=messaging,sessions limits the tools offered (a worker's own server offers messaging only). */
function toolsets(value: string | undefined): { toolsets?: Toolset[] } {
  if (value === undefined || value.trim() === "") return {};
  const sets = value.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = sets.filter((s) => !(TOOLSETS as readonly string[]).includes(s));
  if (unknown.length > 0) {
    process.stderr.write(`subagent-mcp: SUBAGENT_MCP_TOOLSETS: unknown ${unknown.join(", ")} (known: ${TOOLSETS.join(", ")})\n`);
    process.exit(2);
  }
  return { toolsets: sets as Toolset[] };
}

// Orchestration mode lives in the state dir, per host session or project, where the host's hook handlers read it.
function orchestrationState(cwd: string): { get(): boolean; set(enabled: boolean): void; scope: string } {
  const dir = stateDir({ home: process.env.HOME ?? homedir(), env: process.env });
  // Claude Code tells its MCP servers which session they serve; the other hosts do not.
  const session = process.env.CLAUDE_CODE_SESSION_ID;
  const scope = session === undefined || session === "" ? cwd : `Claude Code session ${session} in ${cwd}`;
  return { get: () => isOrchestrating(dir, cwd, session), set: (on) => { setOrchestrating(dir, cwd, on, session); }, scope };
}

/** The embedded mailboxes: $XDG_STATE_HOME/subagent-mcp/mail/<name>/. */
export function mailboxes(): Maildir {
  return new Maildir(join(stateDir({ home: process.env.HOME ?? homedir(), env: process.env }), "mail"));
}

/** `subagent-mcp mcp`: serve the MCP tools on stdio. */
export const mcpCommand = defineCommand({
  meta: { name: "mcp", description: "Serve the subagent-mcp tools over MCP on stdio (the default command)." },
  run: serveStdio,
});
