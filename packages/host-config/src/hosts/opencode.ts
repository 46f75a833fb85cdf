import { existsSync } from "node:fs";
import { join } from "node:path";
import { TOOL_TIMEOUT_SEC, type HostAdapter, type HostContext } from "../host.js";
import { jsonServer } from "./json-settings.js";

// OpenCode reads its global config from $XDG_CONFIG_HOME/opencode (default ~/.config/opencode), any
// of config.json, opencode.json and opencode.jsonc, merged; all three are JSONC.
function configDir(ctx: HostContext): string {
  const xdg = ctx.env.XDG_CONFIG_HOME;
  return join(xdg === undefined || xdg === "" ? join(ctx.home, ".config") : xdg, "opencode");
}

// The file OpenCode's own config edits go to: the first of these that exists, else a new opencode.json.
function configPath(ctx: HostContext): string {
  const dir = configDir(ctx);
  const found = ["opencode.jsonc", "opencode.json", "config.json"].map((name) => join(dir, name)).find((path) => existsSync(path));
  return found ?? join(dir, "opencode.json");
}

// What OpenCode 1.18 writes into a global config it creates.
const NEW_CONFIG = '{\n  "$schema": "https://opencode.ai/config.json"\n}\n';

/**
 * OpenCode: our server (`mcp.<name>`, a local server whose command line is one array) and its
 * global instructions. Its plugins are JavaScript modules, not command hooks: no hooks.
 */
export const opencode: HostAdapter = {
  label: "OpenCode",
  cli: "opencode",
  configDirs: (ctx) => [configDir(ctx)],
  // `timeout` (ms, 5 s by default) bounds each request to the server, tool calls included.
  server: jsonServer(configPath, (launch) => ({ type: "local", command: [launch.command, ...launch.args], enabled: true, timeout: TOOL_TIMEOUT_SEC * 1000 }), {
    key: "mcp",
    seed: NEW_CONFIG,
  }),
  noHooks: "OpenCode's plugins are JavaScript, not command hooks",
  instructions: { file: "AGENTS.md", global: (ctx) => join(configDir(ctx), "AGENTS.md") },
};
