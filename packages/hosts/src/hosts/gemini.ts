import { dirname, join } from "node:path";
import { nativeSubagentTools } from "@subagent-mcp/hooks";
import type { HostAdapter } from "../adapter.js";
import { TOOL_TIMEOUT_SEC, type HostContext } from "../host.js";
import { jsonHooks, jsonServer } from "../json-settings.js";
import { readSettingsServers } from "../mcp/settings-servers.js";
import { extensionInstall } from "../plugin-record.js";

// Gemini CLI keeps MCP servers and hooks in one user settings.json.
const settingsPath = (ctx: HostContext) => join(ctx.home, ".gemini", "settings.json");

/** Gemini CLI. */
export const gemini: HostAdapter = {
  label: "Gemini CLI",
  cli: "gemini",
  configDirs: (ctx) => [dirname(settingsPath(ctx))],
  // Its MCP timeout is in milliseconds.
  server: jsonServer(settingsPath, (launch) => ({ command: launch.command, args: launch.args, timeout: TOOL_TIMEOUT_SEC * 1000 })),
  // BeforeAgent, BeforeTool, AfterAgent and SessionStart. Hooks are on by default in Gemini CLI 0.61 (`hooksConfig.enabled`),
  // so nothing else is switched. A matcher is an unanchored regular expression, so ours is anchored;
  // timeouts are milliseconds.
  hooks: jsonHooks("gemini", settingsPath, {
    matcher: `^(${nativeSubagentTools("gemini").join("|")})$`,
    handler: (command) => ({ name: "subagent-mcp", type: "command", command, timeout: 10_000 }),
  }),
  instructions: { file: "GEMINI.md", global: (ctx) => join(ctx.home, ".gemini", "GEMINI.md") },
  // The project's .gemini/settings.json in the cwd, then the user's; and the user's extensions, whose
  // servers Gemini CLI starts as it starts those of its settings (a session's allow-list must name them).
  mcpServers: (ctx, reading) =>
    readSettingsServers(reading, ctx, {
      userFile: settingsPath(ctx),
      projectFile: join(ctx.cwd, ".gemini", "settings.json"),
      extensions: { dir: join(ctx.home, ".gemini", "extensions"), manifest: "gemini-extension.json" },
    }),
  // Our extension, as `gemini extensions install` records it; it brings our hooks too.
  plugin: { find: (ctx) => extensionInstall(join(ctx.home, ".gemini", "extensions"), "gemini-extension.json", "gemini", ctx), shipsHooks: true },
};
