import { join } from "node:path";
import { z } from "zod";
import { HostsError, inFile } from "./errors.js";
import { readOrNull } from "./files.js";
import { SERVER_NAME, type HostContext } from "./host.js";
import { readJsonc } from "./jsonc.js";
import { fileStamp, KeptFiles } from "./mcp/kept-files.js";

// subagent-mcp installed by a host's own plugin command rather than by setup: each host adapter
// (its `plugin`) reads where its host records that install, as its pinned CLI writes it; these are
// the parts they share. The host then registers our server (and, for Claude Code and Gemini CLI,
// our hooks) from the plugin, so setup must not add them a second time.

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

// Our entries only: another extension's record may be of any shape without making ours unreadable.
const ExtensionManifest = z.looseObject({ name: z.string().optional(), version: z.string().optional() });
const Enablement = z.looseObject({ [SERVER_NAME]: z.looseObject({ overrides: z.array(z.string()) }).optional() });

const jsoncTop = (text: string): unknown => readJsonc(text, []);

// Why: every launch asks each CLI it may start whether our plugin is installed there (hosts'
// registersUs), and reading, parsing and checking its records again each time (Codex's config.toml,
// Claude Code's settings) was ~2 ms of each of a fresh server's first launches. A record read before
// with the same schema and parser is answered from what it was checked to while its stamp is the same,
// as the MCP config files are (KeptFiles, with their bounds); one that failed is never kept.
const kept = new KeptFiles<{ schema: unknown; parse: unknown; value: unknown }>(256 * 1024, 1024 * 1024);

/**
 * A file's content, checked against `schema`; undefined when the file does not exist. A file that
 * does not parse, or not in the shape its host writes, is a HostsError (UNPARSEABLE) naming
 * it: whether we are installed there is then unknown, never guessed.
 */
export function readChecked<T>(path: string, schema: z.ZodType<T>, parse: (text: string) => unknown = jsoncTop): T | undefined {
  const stamp = fileStamp(path);
  if (stamp === null) return undefined;
  const known = kept.get(path, stamp?.stamp)?.value;
  if (known !== undefined && known.schema === schema && known.parse === parse) return known.value as T;
  const value = inFile(path, () => {
    const text = readOrNull(path);
    if (text === null) return undefined;
    const checked = schema.safeParse(parse(text) ?? {});
    if (!checked.success) throw new HostsError("UNPARSEABLE", `not the shape this host writes (${checked.error.issues[0]?.message ?? "unexpected content"})`);
    return checked.data;
  });
  kept.set(path, stamp, { schema, parse, value });
  return value;
}

/** Our keys among a host's `name@marketplace` plugin ids. */
export const ourPluginIds = (ids: string[]) => ids.filter((id) => id.startsWith(`${SERVER_NAME}@`));

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

/**
 * Gemini CLI's and Qwen Code's extension install: the extension's folder under `dir` holds its
 * `manifest`; extension-enablement.json holds per-folder rules (`gemini extensions disable` writes
 * `!<home>/*`), judged here for the home. `cli` is the host's command.
 */
export function extensionInstall(dir: string, manifest: string, cli: string, ctx: HostContext): PluginInstall | undefined {
  const path = join(dir, SERVER_NAME, manifest);
  const found = readChecked(path, ExtensionManifest);
  if (found === undefined) return undefined;
  const rules = readChecked(join(dir, "extension-enablement.json"), Enablement)?.[SERVER_NAME]?.overrides ?? [];
  return { id: SERVER_NAME, version: found.version, path, enabled: enabledAt(rules, ctx.home), remove: `${cli} extensions uninstall ${SERVER_NAME}` };
}

/** How a plugin install reads in one line: `plugin subagent-mcp@mkt 0.1.0`, `(disabled)` when turned off. */
export function describePlugin(plugin: PluginInstall): string {
  const kind = plugin.id.includes("@") ? "plugin" : "extension";
  return `${kind} ${plugin.id}${plugin.version === undefined ? "" : ` ${plugin.version}`}${plugin.enabled ? "" : " (disabled)"}`;
}
