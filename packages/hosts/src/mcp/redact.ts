import type { McpServerSpec } from "@subagent-mcp/contract";
import { MCP_HOSTS, type McpCatalog } from "./list.js";

const HIDDEN = "***";

const hidden = (values: Record<string, string>): Record<string, string> => Object.fromEntries(Object.keys(values).map((key) => [key, HIDDEN]));

// A URL's password and query values can be keys too.
function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== "") parsed.password = HIDDEN;
  for (const key of [...new Set(parsed.searchParams.keys())]) parsed.searchParams.set(key, HIDDEN);
  return parsed.toString();
}

/** `spec` fit to show or journal: env and header values (and a URL's password and query values) replaced by "***", their names kept. */
export function redactSpec(spec: McpServerSpec): McpServerSpec {
  if ("command" in spec) return { ...spec, env: hidden(spec.env) };
  return { ...spec, url: redactUrl(spec.url), ...(spec.headers === undefined ? {} : { headers: hidden(spec.headers) }) };
}

// One server's transport in a line: its command line and env names, or its URL and header names.
function describe(spec: McpServerSpec): string {
  const shown = redactSpec(spec);
  const pairs = (label: string, values: Record<string, string> | undefined) =>
    values === undefined || Object.keys(values).length === 0
      ? ""
      : `  ${label}: ${Object.keys(values)
          .map((key) => `${key}=${HIDDEN}`)
          .join(" ")}`;
  if ("command" in shown) return `stdio: ${[shown.command, ...shown.args].join(" ")}${pairs("env", shown.env)}`;
  return `http: ${shown.url}${pairs("headers", shown.headers)}`;
}

/** `doctor --mcp`'s lines: each host's servers (name, scope, file, command or URL, secrets hidden), then the problems. */
export function formatCatalog(catalog: McpCatalog): string[] {
  const lines = MCP_HOSTS.flatMap((host) => {
    const servers = catalog.servers.filter((entry) => entry.host === host);
    if (servers.length === 0) return [`${host}: no MCP servers`];
    return [`${host}:`, ...servers.map((entry) => `  ${entry.name} (${entry.scope}, ${entry.file})\n    ${describe(entry.spec)}`)];
  });
  if (catalog.problems.length > 0) lines.push("problems:", ...catalog.problems.map((problem) => `  ${problem}`));
  return lines;
}
