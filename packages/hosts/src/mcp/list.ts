import { HOSTS, hostAdapter, pluginInstall, type Host } from "../registry.js";
import { SERVER_NAME } from "../host.js";
import { HostReading, type FoundServer, type LookupContext, type McpScope } from "./entries.js";

/** The hosts whose MCP servers we read (those whose adapter reads them), in the order a name is looked up when no host is preferred. */
export const MCP_HOSTS: readonly Host[] = HOSTS.filter((host) => hostAdapter(host).mcpServers !== undefined);

/** One of the user's MCP servers: its name, which host's config holds it, and how to start or reach it. */
export interface CatalogEntry extends FoundServer {
  host: Host;
}

/** Every server found, in precedence order, and why an entry or a file was left out (never thrown). */
export interface McpCatalog {
  servers: CatalogEntry[];
  problems: string[];
}

/** Within one host, nearer scopes first: Claude Code's local entries beat its project's, which beat the user's. */
const SCOPE_RANK: Record<McpScope, number> = { local: 0, project: 1, user: 2 };

// One host's entries, read by its adapter.
async function readHost(host: Host, ctx: LookupContext): Promise<{ servers: CatalogEntry[]; problems: string[] }> {
  const reading = new HostReading(host);
  await hostAdapter(host).mcpServers?.(ctx, reading);
  const servers = reading.servers.map(({ name, scope, file, spec }) => ({ name, host, scope, file, spec }));
  return { servers, problems: reading.problems };
}

/**
 * The user's MCP servers from every host's config (Claude Code, Codex, Gemini CLI, Qwen Code,
 * OpenCode, in that order), each host's nearer scopes first. A file that does not parse, or an
 * entry that cannot be handed to a sub-agent, is a problem in the list, never an exception.
 */
export async function listMcpServers(ctx: LookupContext): Promise<McpCatalog> {
  const readings = await Promise.all(MCP_HOSTS.map((host) => readHost(host, ctx)));
  return {
    // sort is stable: within a scope, entries keep their file's order.
    servers: readings.flatMap((reading) => [...reading.servers].sort((a, b) => SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope])),
    problems: readings.flatMap((reading) => reading.problems),
  };
}

/**
 * Whether `host`'s config, as a CLI started in `ctx.cwd` reads it, holds our own entry (that CLI
 * would start a subagent-mcp server of its own, unless the session is handed one by that name), and
 * the names of its other entries.
 */
export async function registersUs(host: string, ctx: LookupContext): Promise<{ ours: boolean; others: string[] }> {
  const known = MCP_HOSTS.find((h) => h === host);
  if (known === undefined) return { ours: false, others: [] };
  const reading = new HostReading(known);
  await hostAdapter(known).mcpServers?.(ctx, reading);
  // Our plugin (or extension) brings our server under a name of its own: its CLI would start it too.
  const plugin = pluginInstall(known, { home: ctx.home, env: ctx.env })?.enabled === true;
  return { ours: reading.ours || plugin, others: [...new Set(reading.names)].filter((name) => name !== SERVER_NAME) };
}
