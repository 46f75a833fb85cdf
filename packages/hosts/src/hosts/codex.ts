import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { ACP_PRESET_PROVIDERS, BUILTIN_PROVIDERS, capEnvVar, ENV_SETTINGS, executableEnvVar } from "@subagent-mcp/contract";
import { MAILBOX_ENV } from "@subagent-mcp/mailbox/config";
import { z } from "zod";
import type { HostAdapter } from "../adapter.js";
import { HostsError } from "../errors.js";
import { CODEX_REQUIRED, SERVER_NAME, STARTUP_TIMEOUT_SEC, TOOL_TIMEOUT_SEC, type HostContext } from "../host.js";
import { entryOf, type Draft, type HostReading, type LookupContext } from "../mcp/entries.js";
import { readConfig } from "../mcp/read-config.js";
import { ourPluginIds, readChecked, type PluginInstall } from "../plugin-record.js";
import { assertTomlKind, parseToml, placeTomlBlock, removeTomlBlock, tomlBlock, tomlBlockSpan, tomlString, type TomlMarkers } from "../toml-block.js";
import { readCodexHooks, removeCodexHooks, withCodexHooks } from "./codex-hooks.js";

// Codex keeps MCP servers and hooks in $CODEX_HOME/config.toml (default ~/.codex), where each of ours
// is a managed block of its own after the user's content.
/** Codex's home: $CODEX_HOME or ~/.codex. */
const home = (ctx: HostContext) => ctx.env.CODEX_HOME ?? join(ctx.home, ".codex");
const configPath = (ctx: HostContext) => join(home(ctx), "config.toml");

// Codex starts an MCP server with a bare environment (HOME, PATH, LANG, SHELL, TERM and the CA bundle
// settings) plus the variables its entry names in `env_vars`: the plugin's and setup's entries both
// forward, by name, what our server and the agent CLIs it starts read: our own settings (every config
// key a variable sets and every mailbox setting, each from the one list the config reads them by), where
// each CLI keeps its config, each CLI's login and endpoint, its privacy switches, and the proxy settings
// a network may need.

/** The variables a Codex-started server of ours is given from Codex's own environment. */
export const CODEX_FORWARDED_ENV: readonly string[] = [
  // Each provider known without a config entry: where its executable is, and its cap.
  ...[...BUILTIN_PROVIDERS, ...ACP_PRESET_PROVIDERS].flatMap((provider) => [executableEnvVar(provider), capEnvVar(provider)]),
  // Every config key a variable sets, from the table the config reads them by.
  ...Object.values(ENV_SETTINGS).map((setting) => setting.variable),
  ...["AGENTS_PATH", "SANDBOX", "JOURNAL", "DASHBOARD", "TOOLSETS", "MAX_RESULT_CHARS", "MAX_REQUEST_BYTES"].map((name) => `SUBAGENT_MCP_${name}`),
  ...Object.values(MAILBOX_ENV),
  ...["XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_HOME", "QWEN_HOME"],
  ...["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "CLAUDE_CODE_OAUTH_TOKEN", "CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX"],
  ...["OPENAI_API_KEY", "OPENAI_BASE_URL", "CODEX_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL", "GOOGLE_CLOUD_PROJECT"],
  ...["GOOGLE_CLOUD_LOCATION", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_APPLICATION_CREDENTIALS", "DASHSCOPE_API_KEY", "AWS_REGION", "AWS_PROFILE"],
  ...["DISABLE_TELEMETRY", "DISABLE_AUTOUPDATER", "DISABLE_ERROR_REPORTING", "DISABLE_BUG_COMMAND", "DO_NOT_TRACK"],
  ...["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "CLAUDE_CODE_ENABLE_TELEMETRY", "CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL"],
  ...["GEMINI_CLI_TRUST_WORKSPACE", "GEMINI_CLI_NO_RELAUNCH"],
  ...["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_SERVICE_NAME", "OTEL_TRACES_EXPORTER"],
  ...["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "all_proxy", "no_proxy"],
];

// --- Our server entry.

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
    `required = ${String(CODEX_REQUIRED)}`,
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
    throw new HostsError("CONFLICT", `config.toml already defines [mcp_servers.${name}] outside our managed block; remove it or rename ours`);
  }
  return placeTomlBlock(text, block, SERVER_MARKERS);
}

// --- The user's MCP servers, for sub-agents.

const Strings = z.record(z.string(), z.string()).default({});
const CodexEntrySchema = z.looseObject({
  command: z.string().optional(),
  args: z.array(z.string()).default([]),
  env: Strings,
  env_vars: z.array(z.string()).default([]),
  cwd: z.string().optional(),
  url: z.string().optional(),
  bearer_token_env_var: z.string().optional(),
  http_headers: Strings,
  env_http_headers: Strings,
  enabled: z.boolean().default(true),
});
type CodexEntry = z.output<typeof CodexEntrySchema>;

// A URL's headers as Codex sends them: fixed ones, ones read from variables (an unset one is left out), and the bearer token's.
function httpDraft(entry: CodexEntry & { url: string }, env: LookupContext["env"]): Draft {
  const headers = { ...entry.http_headers };
  for (const [header, variable] of Object.entries(entry.env_http_headers)) {
    const value = env[variable];
    if (value !== undefined && value !== "") headers[header] = value;
  }
  if (entry.bearer_token_env_var !== undefined) {
    const token = env[entry.bearer_token_env_var];
    if (token === undefined || token === "") return { skip: `bearer_token_env_var ${entry.bearer_token_env_var} is not set` };
    headers.Authorization = `Bearer ${token}`;
  }
  return { url: entry.url, headers };
}

/** Codex's `[mcp_servers.NAME]` tables in $CODEX_HOME/config.toml; `enabled = false` ones are left out. */
async function readCodexServers(ctx: LookupContext, reading: HostReading): Promise<void> {
  const file = configPath(ctx);
  reading.addAll("user", file, reading.table(file, await readConfig(file, "toml"), "mcp_servers"), (name, raw) => {
    const parsed = entryOf(CodexEntrySchema, raw);
    if ("skip" in parsed) return parsed;
    const entry = parsed.entry;
    if (!entry.enabled) return undefined;
    if (entry.url !== undefined && entry.command === undefined) return httpDraft({ ...entry, url: entry.url }, ctx.env);
    if (entry.command === undefined || entry.url !== undefined) return { skip: "needs either command or url" };
    if (entry.cwd !== undefined) reading.note(file, name, `is offered without its cwd (${entry.cwd}): a sub-agent's CLI starts it in the sub-agent's folder`);
    // env_vars names variables Codex passes through from its own environment.
    const passed = Object.fromEntries(
      entry.env_vars.flatMap((variable) => {
        const value = ctx.env[variable];
        return value === undefined ? [] : [[variable, value]];
      }),
    );
    return { command: entry.command, args: entry.args, env: { ...passed, ...entry.env } };
  });
}

// --- Our plugin, as `codex plugin add` records it.

const CodexPlugin = z.looseObject({ enabled: z.boolean().optional() });

// The version folders Codex unpacked the plugin into (the last one, by version order, is current).
function codexVersion(ctx: HostContext, id: string): string | undefined {
  const marketplace = id.slice(SERVER_NAME.length + 1);
  const dir = join(home(ctx), "plugins", "cache", marketplace, SERVER_NAME);
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir)
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
    .at(-1);
}

// The plugins table of config.toml (one schema for every read: readChecked keeps what it checked per schema).
const CodexPlugins = z.looseObject({ plugins: z.record(z.string(), z.unknown()).optional() });

// config.toml's `[plugins."subagent-mcp@<marketplace>"]` table, `enabled = false` when turned off.
function codexPlugin(ctx: HostContext): PluginInstall | undefined {
  const path = configPath(ctx);
  const plugins = readChecked(path, CodexPlugins, parseToml)?.plugins ?? {};
  const found = ourPluginIds(Object.keys(plugins)).map((id) => {
    const table = CodexPlugin.safeParse(plugins[id]);
    const enabled = !table.success || table.data.enabled !== false;
    return { id, version: codexVersion(ctx, id), path, enabled, remove: `codex plugin remove ${id}` };
  });
  return found.find((p) => p.enabled) ?? found[0];
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
        codexServerBlock(
          SERVER_NAME,
          { ...launch, toolTimeoutSec: TOOL_TIMEOUT_SEC, startupTimeoutSec: STARTUP_TIMEOUT_SEC },
          text.includes("\r\n") ? "\r\n" : "\n",
        ),
      ),
    remove: (text) => removeTomlBlock(text, SERVER_MARKERS),
    read: (text) => (parseToml(text).mcp_servers as Record<string, unknown> | undefined)?.[SERVER_NAME],
  },
  hooks: { path: configPath, add: withCodexHooks, remove: removeCodexHooks, read: readCodexHooks },
  instructions: { file: "AGENTS.md", global: (ctx) => join(home(ctx), "AGENTS.md") },
  mcpServers: readCodexServers,
  // Its plugin brings no hooks of ours.
  plugin: { find: codexPlugin, shipsHooks: false },
};
