import { join } from "node:path";
import { inFile } from "./errors.js";
import { readOrNull, type FileChange } from "./files.js";
import { hasJsoncPath, removeIfEmpty, removeJsonc, setJsonc } from "./jsonc.js";
import { codexServerBlock, removeTomlBlock, upsertTomlBlock } from "./toml-block.js";

/** The coding-agent CLIs we can be installed into. */
export type Host = "claude" | "codex" | "gemini";
export const HOSTS: readonly Host[] = ["claude", "codex", "gemini"];

/** Our name in every host's MCP server list. */
export const SERVER_NAME = "subagent-mcp";

/** How a host should start our server. */
export interface ServerLaunch {
  command: string;
  args: string[];
}

export interface HostContext {
  home: string;
  env: Record<string, string | undefined>;
}

// Longest `wait` is 600 s; the host's tool timeout must be above it so a blocked wait is never cut.
const TOOL_TIMEOUT_SEC = 660;

/** The file where `host` keeps its MCP servers. */
export function mcpConfigPath(host: Host, ctx: HostContext): string {
  switch (host) {
    case "claude":
      // Claude Code keeps user MCP servers in ~/.claude.json, or in $CLAUDE_CONFIG_DIR/.claude.json.
      return ctx.env.CLAUDE_CONFIG_DIR === undefined ? join(ctx.home, ".claude.json") : join(ctx.env.CLAUDE_CONFIG_DIR, ".claude.json");
    case "codex":
      return join(ctx.env.CODEX_HOME ?? join(ctx.home, ".codex"), "config.toml");
    case "gemini":
      return join(ctx.home, ".gemini", "settings.json");
  }
}

/** Our entry's text, added to (or refreshed in) one host's config text. */
export function withServer(host: Host, text: string, launch: ServerLaunch): string {
  switch (host) {
    case "claude":
      return setJsonc(text, ["mcpServers", SERVER_NAME], { type: "stdio", command: launch.command, args: launch.args, env: {} });
    case "gemini":
      return setJsonc(text, ["mcpServers", SERVER_NAME], { command: launch.command, args: launch.args, timeout: TOOL_TIMEOUT_SEC * 1000 });
    case "codex":
      return upsertTomlBlock(text, SERVER_NAME, codexServerBlock(SERVER_NAME, { ...launch, toolTimeoutSec: TOOL_TIMEOUT_SEC, startupTimeoutSec: 30 }, text.includes("\r\n") ? "\r\n" : "\n"));
  }
}

/** The host's config text without our entry (the user's own content untouched). */
export function withoutServer(host: Host, text: string): string {
  if (host === "codex") return removeTomlBlock(text);
  if (!hasJsoncPath(text, ["mcpServers", SERVER_NAME])) return text;
  // An mcpServers object left empty was ours alone (setup created it): it goes too.
  return removeIfEmpty(removeJsonc(text, ["mcpServers", SERVER_NAME]), ["mcpServers"]);
}

/**
 * What setup would change in one host's config (`before === after` means nothing to do). A file
 * that does not parse, or holds our key's parent with another type, is refused with its name.
 * Created files are 0600: the host keeps its credentials there. `current` is the file's text when
 * an earlier change of the same run already rewrote it.
 */
export function planServer(host: Host, ctx: HostContext, launch: ServerLaunch, current?: string | null): FileChange {
  const path = mcpConfigPath(host, ctx);
  const before = current === undefined ? readOrNull(path) : current;
  return { path, before, after: inFile(path, () => withServer(host, before ?? "", launch)), private: true };
}
