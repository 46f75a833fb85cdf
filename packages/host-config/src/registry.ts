import { existsSync } from "node:fs";
import { z } from "zod";
import type { HostAdapter, HostContext } from "./host.js";
import { claude } from "./hosts/claude.js";
import { claudeDesktop } from "./hosts/claude-desktop.js";
import { codex } from "./hosts/codex.js";
import { gemini } from "./hosts/gemini.js";
import { opencode } from "./hosts/opencode.js";
import { qwen } from "./hosts/qwen.js";

// Adding a host is one adapter file in hosts/ and one line here.
const ADAPTERS = { claude, codex, gemini, qwen, opencode, "claude-desktop": claudeDesktop } satisfies Record<string, HostAdapter>;

/** The coding-agent CLIs we can be installed into, by the names `--host` and setup's record use. */
export type Host = keyof typeof ADAPTERS;
export const HOSTS = Object.keys(ADAPTERS) as Host[];
export const HostSchema = z.literal(HOSTS);

/** What we know about `host`'s config files. */
export function hostAdapter(host: Host): HostAdapter {
  return ADAPTERS[host];
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
