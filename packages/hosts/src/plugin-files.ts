import { CODEX_REQUIRED, SERVER_NAME, STARTUP_TIMEOUT_SEC, TOOL_TIMEOUT_SEC } from "./host.js";
import { CODEX_FORWARDED_ENV } from "./hosts/codex.js";
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
      // The same timeouts as setup's entry, and required like it: without them, a slow start loses our tools.
      mcpServers: {
        [SERVER_NAME]: {
          command: "node",
          args: [...NODE_FLAGS, codexMain],
          cwd: ".",
          env_vars: CODEX_FORWARDED_ENV,
          tool_timeout_sec: TOOL_TIMEOUT_SEC,
          startup_timeout_sec: STARTUP_TIMEOUT_SEC,
          required: CODEX_REQUIRED,
        },
      },
    }),
    ...["gemini-extension.json", "qwen-extension.json"].map((file) =>
      json(`${EXTENSION_DIR}/${file}`, {
        name: SERVER_NAME,
        version: meta.version,
        description: meta.description,
        // Milliseconds: above the longest `wait`, like setup's entry.
        mcpServers: { [SERVER_NAME]: { command: "node", args: [...NODE_FLAGS, extensionMain], timeout: TOOL_TIMEOUT_SEC * 1000 } },
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
