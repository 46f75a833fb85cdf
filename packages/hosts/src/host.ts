/** Our name in every host's MCP server list (contract's, the name sub-agents are handed our tools under too). */
export { SERVER_NAME } from "@subagent-mcp/contract";

// Longest `wait` is 600 s; the host's tool timeout must be above it so a blocked wait is never cut.
export const TOOL_TIMEOUT_SEC = 660;
/**
 * How long a host waits for our server's handshake where it lets an entry say so (Codex: 10 s by
 * default). A busy machine starts a Node server slower than that, and a host that gives up runs the
 * session without our tools, silently.
 */
export const STARTUP_TIMEOUT_SEC = 30;

/** Where a host's files are found: the user's home and environment (CLAUDE_CONFIG_DIR, CODEX_HOME, ...). */
export interface HostContext {
  home: string;
  env: Record<string, string | undefined>;
  /** The operating system whose folders apply (default: this one's). */
  platform?: NodeJS.Platform;
}

/** How a host should start our server. */
export interface ServerLaunch {
  command: string;
  args: string[];
}
