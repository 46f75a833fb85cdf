import { McpServerSpecSchema, type McpServerSpec } from "@subagent-mcp/contract";
import { HostsError } from "../errors.js";
import type { Host } from "../registry.js";
import { issues, type LookupContext } from "./entries.js";
import { listMcpServers, MCP_HOSTS, type CatalogEntry, type McpCatalog } from "./list.js";

/** One server asked for: a name from the user's configs, a spec written out, or "inherit" (all of the launching host's). */
export type McpServerRequest = string | Record<string, unknown>;

/** A server to hand a sub-agent, and where it came from. */
export interface ResolvedMcpServer {
  spec: McpServerSpec;
  /** The config entry it was read from, or "inline" for a spec written in the request. */
  from: Pick<CatalogEntry, "host" | "scope" | "file"> | "inline";
  /** Read from a file in the project: whoever wrote the repository chose it, so it needs the project trusted. */
  fromProject: boolean;
}

/** The request that takes every server of the launching host. */
const INHERIT = "inherit";

/**
 * The specs for `requests`. A name is the first entry of that name in this order: the launching
 * `host`'s own entries (when it is one we read), then Claude Code's, Codex's, Gemini CLI's, Qwen
 * Code's, OpenCode's; within a host, local over project over user scope. Throws HostsError:
 * UNKNOWN_SERVER (listing the user's servers), UNKNOWN_HOST ("inherit" without a host we read),
 * INVALID_SPEC, DUPLICATE_NAME (two requests giving one name).
 */
export async function resolveMcpServers(requests: readonly McpServerRequest[], options: LookupContext & { host?: string }): Promise<ResolvedMcpServer[]> {
  const needsCatalog = requests.some((request) => typeof request === "string");
  const catalog: McpCatalog = needsCatalog ? await listMcpServers(options) : { servers: [], problems: [] };
  const entries = inOrder(catalog.servers, options.host);
  const resolved = requests.flatMap((request) => resolveOne(request, entries, options.host));
  const seen = new Set<string>();
  for (const server of resolved) {
    if (seen.has(server.spec.name)) throw new HostsError("DUPLICATE_NAME", `two MCP servers asked for are named "${server.spec.name}"; ask for each name once`);
    seen.add(server.spec.name);
  }
  return resolved;
}

function resolveOne(request: McpServerRequest, entries: CatalogEntry[], host: string | undefined): ResolvedMcpServer[] {
  if (typeof request !== "string") {
    const spec = McpServerSpecSchema.safeParse(request);
    if (!spec.success) throw new HostsError("INVALID_SPEC", `invalid MCP server spec: ${issues(spec.error)}`);
    return [{ spec: spec.data, from: "inline", fromProject: false }];
  }
  if (request === INHERIT) {
    if (!isMcpHost(host)) {
      const which = host === undefined ? "the launching host is not known" : `"${host}" is not a host whose MCP servers we read`;
      throw new HostsError("UNKNOWN_HOST", `cannot inherit MCP servers: ${which} (${MCP_HOSTS.join(", ")}); name the servers instead`);
    }
    return firstOfEachName(entries.filter((entry) => entry.host === host)).map(resolvedOf);
  }
  const entry = entries.find((e) => e.name === request);
  if (entry === undefined) throw new HostsError("UNKNOWN_SERVER", `no MCP server named "${request}" in your hosts' configs; ${yours(entries)}`);
  return [resolvedOf(entry)];
}

function isMcpHost(host: string | undefined): host is Host {
  return (MCP_HOSTS as readonly (string | undefined)[]).includes(host);
}

// The catalog with the launching host's entries moved first (it is otherwise in MCP_HOSTS order, nearer scopes first).
function inOrder(servers: CatalogEntry[], host: string | undefined): CatalogEntry[] {
  return [...servers.filter((entry) => entry.host === host), ...servers.filter((entry) => entry.host !== host)];
}

function firstOfEachName(entries: CatalogEntry[]): CatalogEntry[] {
  const seen = new Set<string>();
  return entries.filter((entry) => !seen.has(entry.name) && seen.add(entry.name));
}

function resolvedOf(entry: CatalogEntry): ResolvedMcpServer {
  return { spec: entry.spec, from: { host: entry.host, scope: entry.scope, file: entry.file }, fromProject: entry.scope === "project" };
}

// What the user has, by host, for an unknown name's message.
function yours(entries: CatalogEntry[]): string {
  const byHost = MCP_HOSTS.flatMap((host) => {
    const names = [...new Set(entries.filter((entry) => entry.host === host).map((entry) => entry.name))];
    return names.length === 0 ? [] : [`${host}: ${names.join(", ")}`];
  });
  return byHost.length === 0
    ? "none of your hosts' configs (Claude Code, Codex, Gemini CLI, Qwen Code, OpenCode) has one a sub-agent can be handed (`subagent-mcp doctor --mcp` says why)"
    : `yours are ${byHost.join("; ")}`;
}
