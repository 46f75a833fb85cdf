import type { McpServerSpec } from "@subagent-mcp/core";
import { serverLaunch } from "../setup/setup.js";

/**
 * This installation's MCP server, as a child agent's own server: it speaks for `self` (its
 * mailbox name) one level deeper. The state folder is passed explicitly because some CLIs (Codex)
 * give MCP servers only a short list of inherited variables.
 */
export function nestedServer(self: string, depth: number, env: Record<string, string | undefined> = process.env): McpServerSpec {
  const launch = serverLaunch();
  const pass = Object.fromEntries(["HOME", "XDG_STATE_HOME", "PATH"].flatMap((k) => (env[k] === undefined ? [] : [[k, env[k]]]))) as Record<string, string>;
  return {
    name: "subagent-mcp",
    command: launch.command,
    args: [...launch.args, "mcp"],
    env: { ...pass, SUBAGENT_MCP_AGENT_NAME: self, SUBAGENT_MCP_DEPTH: String(depth), SUBAGENT_MCP_TOOLSETS: "messaging" },
  };
}
