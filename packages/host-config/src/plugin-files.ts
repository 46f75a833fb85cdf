import { SERVER_NAME } from "./host.js";
import { hostAdapter } from "./registry.js";

/** What a plugin's manifests say of us: its version (the CLI's) and the one-line description. */
export interface PluginMeta {
  version: string;
  description: string;
  keywords: readonly string[];
}

/** A generated file: its path from the marketplace root, and its text. */
export interface PluginFile {
  path: string;
  content: string;
}

/**
 * Where the built plugin lives, from the marketplace root (a checkout's root). Claude Code and Codex
 * install `PLUGIN_DIR` through the marketplace; Gemini CLI and Qwen Code install `EXTENSION_DIR` by
 * path. Each holds the server bundle under `server/` (its `package.json` names it a plugin's copy).
 */
export const PLUGIN_DIR = "plugins/subagent-mcp";
export const EXTENSION_DIR = "extensions/subagent-mcp";

// Codex starts a plugin's MCP server with a bare environment (HOME, PATH, LANG, SHELL, TERM and the CA
// bundle settings). What our server and the agent CLIs it starts read is forwarded by name: our own
// settings, where each CLI keeps its config, each CLI's login and endpoint, its privacy switches,
// and the proxy settings a network may need.
const CODEX_FORWARDED_ENV = [
  ...["CLAUDE", "CODEX", "GEMINI", "QWEN", "OPENCODE"].map((cli) => `SUBAGENT_MCP_${cli}_PATH`),
  ...["AGENTS_PATH", "MAX_LIVE", "MAX_DEPTH", "STALL_SECONDS", "MAILBOX_URL", "MAILBOX_CA", "MAILBOX_PREFIX", "JOURNAL", "DASHBOARD", "TOOLSETS"].map(
    (name) => `SUBAGENT_MCP_${name}`,
  ),
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

// The same Node flag setup's entry starts the server with (a smaller young generation: less idle memory).
const NODE_FLAGS = ["--max-semi-space-size=1"];

/**
 * Every manifest of the marketplace, the Claude Code and Codex plugin, and the Gemini CLI / Qwen Code
 * extension. The bundle, the skill, the sample agent and the READMEs are copied beside them by the
 * build; this is only what is generated. Hooks come from the same adapters `setup` writes with, so a
 * plugin's hooks and setup's never drift apart.
 */
export function pluginFiles(meta: PluginMeta): PluginFile[] {
  const about = {
    version: meta.version,
    description: meta.description,
    author: { name: "subagent-mcp contributors" },
    license: "MIT",
    keywords: [...meta.keywords],
  };
  // Claude Code expands ${CLAUDE_PLUGIN_ROOT} (and starts the server in the user's project folder).
  const claudeMain = "${CLAUDE_PLUGIN_ROOT}/server/dist/main.js";
  // Codex expands no variable in a Claude-style manifest, but resolves a `cwd` of "." to the plugin's
  // folder, and the arguments from there.
  const codexMain = "server/dist/main.js";
  // Gemini CLI and Qwen Code substitute ${extensionPath} and ${/} in the whole extension config.
  const extensionMain = "${extensionPath}${/}server${/}dist${/}main.js";
  return [
    json(".claude-plugin/marketplace.json", {
      name: SERVER_NAME,
      owner: { name: "subagent-mcp contributors" },
      metadata: { description: meta.description, version: meta.version },
      plugins: [{ name: SERVER_NAME, source: `./${PLUGIN_DIR}`, ...about }],
    }),
    json(`${PLUGIN_DIR}/.claude-plugin/plugin.json`, {
      name: SERVER_NAME,
      ...about,
      // Not hooks/hooks.json: that name is every host's default, and these are Claude Code's events.
      hooks: "./hooks/claude.json",
      mcpServers: { [SERVER_NAME]: { command: "node", args: [...NODE_FLAGS, claudeMain] } },
    }),
    json(`${PLUGIN_DIR}/hooks/claude.json`, { hooks: hooksOf("claude", `node "${claudeMain}"`) }),
    json(`${PLUGIN_DIR}/.codex-plugin/plugin.json`, {
      name: SERVER_NAME,
      ...about,
      skills: "./skills/",
      mcpServers: { [SERVER_NAME]: { command: "node", args: [...NODE_FLAGS, codexMain], cwd: ".", env_vars: CODEX_FORWARDED_ENV, tool_timeout_sec: 660 } },
    }),
    ...["gemini-extension.json", "qwen-extension.json"].map((file) =>
      json(`${EXTENSION_DIR}/${file}`, {
        name: SERVER_NAME,
        version: meta.version,
        description: meta.description,
        // Milliseconds: above the longest `wait`, like setup's entry.
        mcpServers: { [SERVER_NAME]: { command: "node", args: [...NODE_FLAGS, extensionMain], timeout: 660_000 } },
      }),
    ),
    // Gemini CLI reads an extension's hooks/hooks.json (the shape of its settings' `hooks`).
    json(`${EXTENSION_DIR}/hooks/hooks.json`, { hooks: hooksOf("gemini", `node "${extensionMain}"`) }),
  ];
}

// A host's hook groups as setup would write them into its settings, with `cli` starting our CLI.
function hooksOf(host: "claude" | "gemini", cli: string): unknown {
  const hooks = hostAdapter(host).hooks;
  if (hooks === undefined) throw new Error(`${host} has no hooks`);
  return (JSON.parse(hooks.add("{}", cli, "")) as { hooks: unknown }).hooks;
}

function json(path: string, value: unknown): PluginFile {
  return { path, content: `${JSON.stringify(value, null, 2)}\n` };
}
