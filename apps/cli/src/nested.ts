import type { McpServerSpec, Provider } from "@subagent-mcp/core";
import { serverLaunch } from "./setup.js";

/** The messaging tools an agent gets from its own subagent-mcp server. */
export const MESSAGING_TOOLS = ["send_to", "inbox", "wait_inbox", "reply"] as const;

/**
 * This installation's MCP server, as a child agent's own server: it speaks for `self` (its
 * mailbox name) one level deeper. The state folder is passed explicitly because some CLIs (Codex)
 * give MCP servers only a short list of inherited variables.
 */
export function nestedServer(self: string, depth: number, env: Record<string, string | undefined> = process.env): McpServerSpec {
  const launch = serverLaunch();
  const pass = Object.fromEntries(["HOME", "XDG_STATE_HOME", "PATH"].flatMap((k) => (env[k] === undefined ? [] : [[k, env[k]]]))) as Record<string, string>;
  return { name: "subagent-mcp", command: launch.command, args: [...launch.args, "mcp"], env: { ...pass, SUBAGENT_MCP_AGENT_NAME: self, SUBAGENT_MCP_DEPTH: String(depth), SUBAGENT_MCP_TOOLSETS: "messaging" } };
}

/** How each CLI names an MCP server's tool (in its allow-lists and to the model). */
export function mcpToolName(provider: Provider, server: string, tool: string): string {
  return provider === "gemini" ? `mcp_${server}_${tool}` : `mcp__${server}__${tool}`;
}
