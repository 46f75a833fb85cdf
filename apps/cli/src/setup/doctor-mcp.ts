import { homedir } from "node:os";
import { formatCatalog, listMcpServers } from "@subagent-mcp/hosts";

/**
 * `doctor --mcp`: the MCP servers a sub-agent can be handed by name, per host and scope, read from
 * each host's config as a launch would read them (from this folder), secrets hidden, and what was
 * left out and why. Reading never fails: a broken file is one of the problems listed.
 */
export async function printMcpCatalog(): Promise<void> {
  const catalog = await listMcpServers({ home: process.env.HOME ?? homedir(), cwd: process.cwd(), env: process.env });
  process.stdout.write(`${formatCatalog(catalog).join("\n")}\n`);
}
