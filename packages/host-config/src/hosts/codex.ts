import { dirname, join } from "node:path";
import { HostConfigError } from "../errors.js";
import { SERVER_NAME, TOOL_TIMEOUT_SEC, type HostAdapter, type HostContext } from "../host.js";
import { assertTomlKind, parseToml, placeTomlBlock, removeTomlBlock, tomlBlock, tomlBlockSpan, tomlString, type TomlMarkers } from "../toml-block.js";
import { CODEX_FORWARDED_ENV } from "./codex-env.js";
import { readCodexHooks, removeCodexHooks, withCodexHooks } from "./codex-hooks.js";

// Codex keeps MCP servers and hooks in $CODEX_HOME/config.toml (default ~/.codex), where each of ours
// is a managed block of its own after the user's content.
/** Codex's home: $CODEX_HOME or ~/.codex. */
export const home = (ctx: HostContext) => ctx.env.CODEX_HOME ?? join(ctx.home, ".codex");
const configPath = (ctx: HostContext) => join(home(ctx), "config.toml");

/** The comment lines around our MCP server table. */
export const SERVER_MARKERS: TomlMarkers = { begin: "# subagent-mcp:begin (managed by subagent-mcp; edits inside are replaced)", end: "# subagent-mcp:end" };

/** Our `[mcp_servers.<name>]` table for Codex's config.toml, between comment markers. */
export function codexServerBlock(
  name: string,
  entry: { command: string; args: string[]; toolTimeoutSec: number; startupTimeoutSec: number },
  eol = "\n",
): string {
  const lines = [
    `[mcp_servers.${tomlString(name)}]`,
    `command = ${tomlString(entry.command)}`,
    `args = [${entry.args.map(tomlString).join(", ")}]`,
    `startup_timeout_sec = ${entry.startupTimeoutSec}`,
    `tool_timeout_sec = ${entry.toolTimeoutSec}`,
    // What the server and the CLIs it starts read, which Codex would not pass otherwise (as the plugin's entry).
    `env_vars = [${CODEX_FORWARDED_ENV.map(tomlString).join(", ")}]`,
  ];
  return tomlBlock(lines, SERVER_MARKERS, eol);
}

// The user's own `mcp_servers` table, outside our block.
function userServers(text: string): Record<string, unknown> | undefined {
  const span = tomlBlockSpan(text, SERVER_MARKERS);
  const servers = parseToml(span === undefined ? text : text.slice(0, span.start) + text.slice(span.end)).mcp_servers;
  assertTomlKind(servers, "mcp_servers", "a table");
  return servers as Record<string, unknown> | undefined;
}

/**
 * Puts our server block in a TOML file. Refuses, rather than corrupt the file, when the user
 * already has a table of that name.
 */
export function upsertServerBlock(text: string, name: string, block: string): string {
  if (userServers(text)?.[name] !== undefined) {
    throw new HostConfigError("CONFLICT", `config.toml already defines [mcp_servers.${name}] outside our managed block; remove it or rename ours`);
  }
  return placeTomlBlock(text, block, SERVER_MARKERS);
}

/** Codex. */
export const codex: HostAdapter = {
  label: "Codex",
  cli: "codex",
  configDirs: (ctx) => [dirname(configPath(ctx))],
  server: {
    path: configPath,
    add: (text, launch) =>
      upsertServerBlock(
        text,
        SERVER_NAME,
        codexServerBlock(SERVER_NAME, { ...launch, toolTimeoutSec: TOOL_TIMEOUT_SEC, startupTimeoutSec: 30 }, text.includes("\r\n") ? "\r\n" : "\n"),
      ),
    remove: (text) => removeTomlBlock(text, SERVER_MARKERS),
    read: (text) => (parseToml(text).mcp_servers as Record<string, unknown> | undefined)?.[SERVER_NAME],
  },
  hooks: { path: configPath, add: withCodexHooks, remove: removeCodexHooks, read: readCodexHooks },
  instructions: { file: "AGENTS.md", global: (ctx) => join(home(ctx), "AGENTS.md") },
};
