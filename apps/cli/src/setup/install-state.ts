import { describePlugin, hostAdapter, pluginInstall, readOrNull, type Host, type HostContext, type PluginInstall } from "@subagent-mcp/hosts";
import { errorMessage } from "@subagent-mcp/errors";

// How subagent-mcp is installed in a host: by setup (our entry in the host's MCP server file), as
// the host's own plugin or extension, both (the host then starts two servers), or not at all.

// Whether setup's entry is in the host's file: true, false, or why that file cannot be read.
function setupEntry(host: Host, ctx: HostContext): boolean | string {
  const { server } = hostAdapter(host);
  try {
    const text = readOrNull(server.path(ctx));
    return text !== null && server.read(text) !== undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

/** The plugin install, undefined when there is none, or why its record cannot be read. */
export function pluginOrWhy(host: Host, ctx: HostContext): PluginInstall | string | undefined {
  try {
    return pluginInstall(host, ctx);
  } catch (error) {
    return errorMessage(error);
  }
}

/** doctor's line for `host`: `installed: plugin subagent-mcp@mkt 0.1.0 (remove: ...)`, `installed: setup (in FILE)`, ... */
export function installedLine(host: Host, ctx: HostContext): string {
  const file = hostAdapter(host).server.path(ctx);
  const setup = setupEntry(host, ctx);
  const plugin = pluginOrWhy(host, ctx);
  if (typeof setup === "string") return `installed: unknown (${setup})`;
  if (typeof plugin === "string") return `installed: ${setup ? `setup (in ${file})` : "not by setup"}; plugin unknown (${plugin})`;
  if (plugin === undefined) return setup ? `installed: setup (in ${file})` : `not installed (no entry in ${file}, no plugin)`;
  const about = `${describePlugin(plugin)} (remove: ${plugin.remove})`;
  if (!setup) return `installed: ${about}`;
  if (!plugin.enabled) return `installed: setup (in ${file}); also the ${about}`;
  return `installed: plugin and setup (run subagent-mcp setup to keep one): ${describePlugin(plugin)}, and in ${file}`;
}
