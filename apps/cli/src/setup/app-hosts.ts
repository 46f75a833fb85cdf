import { hostAdapter, HOSTS, notInstalled, readOrNull, type HostContext } from "@subagent-mcp/hosts";
import { errorMessage } from "@subagent-mcp/errors";

/**
 * What `doctor` says of each host that is an app rather than a CLI (Claude Desktop): not installed,
 * or whether its config registers our server. An app has no CLI to find or handshake with here.
 */
export function appHostLines(ctx: HostContext): string[] {
  return HOSTS.filter((host) => hostAdapter(host).cli === undefined).map((host) => {
    const absent = notInstalled(host, ctx);
    if (absent !== undefined) return `${host}: ${absent}`;
    const { server } = hostAdapter(host);
    const path = server.path(ctx);
    let registered: string;
    try {
      const text = readOrNull(path);
      registered = text !== null && server.read(text) !== undefined ? "registered" : "not registered";
    } catch (error) {
      registered = `unreadable (${errorMessage(error)})`;
    }
    return `${host}: ${hostAdapter(host).label} app\n  ${registered} in ${path}\n  no handshake (an app, started by you)`;
  });
}
