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
/**
 * Codex's entry is `required`: Codex runs a turn with only the optional servers that were up within
 * a second of it (its `mcp_optional_startup_grace_ms`), so on a busy machine a session's first turn
 * (all of `codex exec`) went without our tools, silently. A required one is waited for, up to the
 * startup timeout, and one that cannot start stops Codex with our server's error.
 */
export const CODEX_REQUIRED = true;

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
