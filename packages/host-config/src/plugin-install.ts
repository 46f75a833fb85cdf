import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { HostConfigError, inFile } from "./errors.js";
import { readOrNull } from "./files.js";
import { SERVER_NAME, type HostContext } from "./host.js";
import { configDir as claudeDir } from "./hosts/claude.js";
import { home as codexHome } from "./hosts/codex.js";
import { configDir as qwenDir } from "./hosts/qwen.js";
import { readJsonc } from "./jsonc.js";
import type { Host } from "./registry.js";
import { parseToml } from "./toml-block.js";

// subagent-mcp installed by a host's own plugin command rather than by setup: where each host
// records that install, as its pinned CLI writes it. The host then registers our server (and, for
// Claude Code and Gemini CLI, our hooks) from the plugin, so setup must not add them a second time.

/** Our plugin (Claude Code, Codex) or extension (Gemini CLI, Qwen Code), as the host recorded its install. */
export interface PluginInstall {
  /** The host's name for it: `subagent-mcp@<marketplace>` for a plugin, `subagent-mcp` for an extension. */
  id: string;
  /** The installed version, when the host recorded it. */
  version?: string;
  /** The file that records the install. */
  path: string;
  /** False when the user disabled it in the host (the host then starts none of it). */
  enabled: boolean;
  /** The host's own command line that removes it. */
  remove: string;
}

/** Whether the plugin brings our orchestration hooks too (Codex's plugin does not; Qwen Code gets none of ours). */
export const PLUGIN_SHIPS_HOOKS: Partial<Record<Host, true>> = { claude: true, gemini: true };

// Our entries only: another plugin's record may be of any shape without making ours unreadable.
const OurEntry = z.looseObject({ scope: z.string().optional(), version: z.string().optional(), installPath: z.string().optional() });
const InstalledPlugins = z.looseObject({ plugins: z.record(z.string(), z.unknown()).optional() });
const ClaudeSettings = z.looseObject({ enabledPlugins: z.record(z.string(), z.unknown()).optional() });
const CodexPlugin = z.looseObject({ enabled: z.boolean().optional() });
const ExtensionManifest = z.looseObject({ name: z.string().optional(), version: z.string().optional() });
const Enablement = z.looseObject({ [SERVER_NAME]: z.looseObject({ overrides: z.array(z.string()) }).optional() });

/**
 * A file's content, checked against `schema`; undefined when the file does not exist. A file that
 * does not parse, or not in the shape its host writes, is a HostConfigError (UNPARSEABLE) naming
 * it: whether we are installed there is then unknown, never guessed.
 */
function readChecked<T>(path: string, schema: z.ZodType<T>, parse: (text: string) => unknown = (text) => readJsonc(text, [])): T | undefined {
  return inFile(path, () => {
    const text = readOrNull(path);
    if (text === null) return undefined;
    const checked = schema.safeParse(parse(text) ?? {});
    if (!checked.success)
      throw new HostConfigError("UNPARSEABLE", `not the shape this host writes (${checked.error.issues[0]?.message ?? "unexpected content"})`);
    return checked.data;
  });
}

/** Our keys among a host's `name@marketplace` plugin ids. */
const ourIds = (ids: string[]) => ids.filter((id) => id.startsWith(`${SERVER_NAME}@`));

// Claude Code: installed_plugins.json lists installs per scope; a user-scope one is what covers every
// project, and settings.json's enabledPlugins turns it off with false.
function claudePlugin(ctx: HostContext): PluginInstall | undefined {
  const path = join(claudeDir(ctx), "plugins", "installed_plugins.json");
  const plugins = readChecked(path, InstalledPlugins)?.plugins ?? {};
  const enabled = readChecked(join(claudeDir(ctx), "settings.json"), ClaudeSettings)?.enabledPlugins ?? {};
  const found = ourIds(Object.keys(plugins)).flatMap((id) => {
    const entries = z.array(OurEntry).safeParse(plugins[id]);
    const user = entries.success ? entries.data.find((e) => (e.scope ?? "user") === "user") : undefined;
    return user === undefined ? [] : [{ id, version: user.version, path, enabled: enabled[id] !== false, remove: `claude plugin uninstall ${id}` }];
  });
  return found.find((p) => p.enabled) ?? found[0];
}

// The version folders Codex unpacked the plugin into (the last one, by version order, is current).
function codexVersion(ctx: HostContext, id: string): string | undefined {
  const marketplace = id.slice(SERVER_NAME.length + 1);
  const dir = join(codexHome(ctx), "plugins", "cache", marketplace, SERVER_NAME);
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir)
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
    .at(-1);
}

// Codex: config.toml's `[plugins."subagent-mcp@<marketplace>"]` table, `enabled = false` when turned off.
function codexPlugin(ctx: HostContext): PluginInstall | undefined {
  const path = join(codexHome(ctx), "config.toml");
  const plugins = readChecked(path, z.looseObject({ plugins: z.record(z.string(), z.unknown()).optional() }), parseToml)?.plugins ?? {};
  const found = ourIds(Object.keys(plugins)).map((id) => {
    const table = CodexPlugin.safeParse(plugins[id]);
    const enabled = !table.success || table.data.enabled !== false;
    return { id, version: codexVersion(ctx, id), path, enabled, remove: `codex plugin remove ${id}` };
  });
  return found.find((p) => p.enabled) ?? found[0];
}

// Gemini CLI's rule match: `*` is any text, and the last rule matching the folder wins.
function enabledAt(overrides: string[], folder: string): boolean {
  const slashed = (p: string) => `${p.startsWith("/") ? "" : "/"}${p.replace(/\\/g, "/")}${p.endsWith("/") ? "" : "/"}`;
  let enabled = true;
  for (const rule of overrides) {
    const base = rule.startsWith("!") ? rule.slice(1) : rule;
    const glob = base.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/(\/?)\*/g, "($1.*)?");
    if (new RegExp(`^${glob}$`).test(slashed(folder))) enabled = !rule.startsWith("!");
  }
  return enabled;
}

// Gemini CLI and Qwen Code: the extension's folder holds its manifest; extension-enablement.json
// holds per-folder rules (`gemini extensions disable` writes `!<home>/*`), judged here for the home.
function extension(dir: string, manifest: string, cli: string, ctx: HostContext): PluginInstall | undefined {
  const path = join(dir, SERVER_NAME, manifest);
  const found = readChecked(path, ExtensionManifest);
  if (found === undefined) return undefined;
  const rules = readChecked(join(dir, "extension-enablement.json"), Enablement)?.[SERVER_NAME]?.overrides ?? [];
  return { id: SERVER_NAME, version: found.version, path, enabled: enabledAt(rules, ctx.home), remove: `${cli} extensions uninstall ${SERVER_NAME}` };
}

const FINDERS: Partial<Record<Host, (ctx: HostContext) => PluginInstall | undefined>> = {
  claude: claudePlugin,
  codex: codexPlugin,
  gemini: (ctx) => extension(join(ctx.home, ".gemini", "extensions"), "gemini-extension.json", "gemini", ctx),
  qwen: (ctx) => extension(join(qwenDir(ctx), "extensions"), "qwen-extension.json", "qwen", ctx),
};

/**
 * Our plugin or extension as `host` recorded installing it (a user-wide install; an enabled one
 * first), or undefined when it has none (OpenCode and Claude Desktop have no plugin form). Throws
 * a HostConfigError (UNPARSEABLE) naming the file when a record does not parse: then it is unknown.
 */
export function pluginInstall(host: Host, ctx: HostContext): PluginInstall | undefined {
  return FINDERS[host]?.(ctx);
}

/** How a plugin install reads in one line: `plugin subagent-mcp@mkt 0.1.0`, `(disabled)` when turned off. */
export function describePlugin(plugin: PluginInstall): string {
  const kind = plugin.id.includes("@") ? "plugin" : "extension";
  return `${kind} ${plugin.id}${plugin.version === undefined ? "" : ` ${plugin.version}`}${plugin.enabled ? "" : " (disabled)"}`;
}
