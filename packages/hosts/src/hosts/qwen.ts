import { join } from "node:path";
import type { HostAdapter } from "../adapter.js";
import { TOOL_TIMEOUT_SEC, type HostContext } from "../host.js";
import { jsonServer } from "../json-settings.js";
import { readSettingsServers } from "../mcp/settings-servers.js";
import { extensionInstall } from "../plugin-record.js";

// Qwen Code (a Gemini CLI fork) keeps its user settings, MCP servers included, in settings.json in
// $QWEN_HOME (a leading ~ is the home, as Qwen Code reads it), default ~/.qwen.
function configDir(ctx: HostContext): string {
  const dir = ctx.env.QWEN_HOME;
  if (dir === undefined || dir === "") return join(ctx.home, ".qwen");
  return /^~(?=$|[/\\])/.test(dir) ? join(ctx.home, dir.slice(1)) : dir;
}

const settingsPath = (ctx: HostContext) => join(configDir(ctx), "settings.json");

// Qwen Code 0.24 stamps its settings version into every settings file it loads that lacks one, so a
// file setup creates carries it from the start: Qwen Code leaves it as written, and uninstall can
// delete it again.
const NEW_SETTINGS = '{\n  "$version": 4\n}\n';

/**
 * Qwen Code: our server and its global instructions. It has hooks of Claude Code's shape
 * (PreToolUse, UserPromptSubmit, Stop, SessionStart in settings.json), but our hook handlers do not
 * answer them, so setup installs none. In a project it reads AGENTS.md as well as QWEN.md (both by
 * default), so AGENTS.md, which init writes anyway, is its project file: a QWEN.md beside it would
 * give Qwen Code our instructions twice.
 */
export const qwen: HostAdapter = {
  label: "Qwen Code",
  cli: "qwen",
  configDirs: (ctx) => [configDir(ctx)],
  // Its MCP timeout is in milliseconds (10 minutes by default, under our longest wait).
  server: jsonServer(settingsPath, (launch) => ({ command: launch.command, args: launch.args, timeout: TOOL_TIMEOUT_SEC * 1000 }), { seed: NEW_SETTINGS }),
  noHooks: "subagent-mcp does not answer Qwen Code's hooks",
  instructions: { file: "AGENTS.md", global: (ctx) => join(configDir(ctx), "QWEN.md") },
  // The project's .qwen/settings.json in the cwd, then the user's.
  mcpServers: (ctx, reading) => readSettingsServers(reading, ctx, { userFile: settingsPath(ctx), projectFile: join(ctx.cwd, ".qwen", "settings.json") }),
  // Our extension, as `qwen extensions install` records it; none of our hooks come with it.
  plugin: { find: (ctx) => extensionInstall(join(configDir(ctx), "extensions"), "qwen-extension.json", "qwen", ctx), shipsHooks: false },
};
