import { existsSync } from "node:fs";
import { z } from "zod";
import type { EditorAdapter, HostAdapter } from "./adapter.js";
import type { HostContext } from "./host.js";
import type { PluginInstall } from "./plugin-record.js";
import { claude } from "./hosts/claude.js";
import { claudeDesktop } from "./hosts/claude-desktop.js";
import { codex } from "./hosts/codex.js";
import { copilot } from "./hosts/copilot.js";
import { cursor } from "./hosts/cursor.js";
import { gemini } from "./hosts/gemini.js";
import { opencode } from "./hosts/opencode.js";
import { qwen } from "./hosts/qwen.js";

// Adding a host is one adapter file in hosts/ and one line here. The order is the order the user's
// MCP servers are looked up in when no host is preferred.
const ADAPTERS = { claude, codex, gemini, qwen, opencode, "claude-desktop": claudeDesktop } satisfies Record<string, HostAdapter>;

// Editors whose project instruction file `init` writes on request: one adapter file each, one line here.
const EDITOR_ADAPTERS = { copilot, cursor } satisfies Record<string, EditorAdapter>;

/** The coding-agent CLIs we can be installed into, by the names `--host` and setup's record use. */
export type Host = keyof typeof ADAPTERS;
export const HOSTS = Object.keys(ADAPTERS) as Host[];
export const HostSchema = z.literal(HOSTS);

/** Editors whose project instruction file `init` writes on request (`--copilot`, `--cursor`). */
export type Editor = keyof typeof EDITOR_ADAPTERS;
export const EDITORS = Object.keys(EDITOR_ADAPTERS) as Editor[];

/** What we know about `host`'s config files. */
export function hostAdapter(host: Host): HostAdapter {
  return ADAPTERS[host];
}

/** What we know about `editor`'s instruction file. */
export function editorAdapter(editor: Editor): EditorAdapter {
  return EDITOR_ADAPTERS[editor];
}

/** The file where `host` keeps its MCP servers. */
export function mcpConfigPath(host: Host, ctx: HostContext): string {
  return ADAPTERS[host].server.path(ctx);
}
/**
 * Why a host that has no CLI (Claude Desktop) counts as absent: its config folder is missing, and
 * we never create it. Undefined when the host is there, or is a CLI (found on PATH or not).
 */
export function notInstalled(host: Host, ctx: HostContext): string | undefined {
  const adapter = ADAPTERS[host];
  if (adapter.cli !== undefined) return undefined;
  const missing = adapter.configDirs(ctx).find((dir) => !existsSync(dir));
  return missing === undefined ? undefined : `${adapter.label} is not installed (no ${missing})`;
}

/**
 * Our plugin or extension as `host` recorded installing it (a user-wide install; an enabled one
 * first), or undefined when it has none (OpenCode and Claude Desktop have no plugin form). Throws
 * a HostsError (UNPARSEABLE) naming the file when a record does not parse: then it is unknown.
 */
export function pluginInstall(host: Host, ctx: HostContext): PluginInstall | undefined {
  return ADAPTERS[host].plugin?.find(ctx);
}

/** Whether the plugin brings our orchestration hooks too (Codex's plugin does not; Qwen Code gets none of ours). */
export const PLUGIN_SHIPS_HOOKS: Partial<Record<Host, true>> = Object.fromEntries(
  HOSTS.filter((host) => ADAPTERS[host].plugin?.shipsHooks === true).map((host) => [host, true]),
);
