import { posix, win32 } from "node:path";
import type { HostAdapter } from "../adapter.js";
import type { HostContext } from "../host.js";
import { jsonServer } from "../json-settings.js";

// Claude Desktop keeps its MCP servers in claude_desktop_config.json in its app folder, which is
// per operating system. It is an app, not a CLI: it is there when that folder is.
function configDir(ctx: HostContext): string {
  const platform = ctx.platform ?? process.platform;
  if (platform === "darwin") return posix.join(ctx.home, "Library", "Application Support", "Claude");
  // On Windows, Claude Desktop keeps its config under %APPDATA% (default the home's AppData\Roaming).
  if (platform === "win32") return win32.join(ctx.env.APPDATA ?? win32.join(ctx.home, "AppData", "Roaming"), "Claude");
  // XDG: a relative $XDG_CONFIG_HOME is invalid and ignored.
  const xdg = ctx.env.XDG_CONFIG_HOME;
  return posix.join(xdg !== undefined && posix.isAbsolute(xdg) ? xdg : posix.join(ctx.home, ".config"), "Claude");
}

const configPath = (ctx: HostContext) => ((ctx.platform ?? process.platform) === "win32" ? win32 : posix).join(configDir(ctx), "claude_desktop_config.json");

/** Claude Desktop: our server only (it has no hooks, no instruction file, no MCP servers we hand on, no plugin form). */
export const claudeDesktop: HostAdapter = {
  label: "Claude Desktop",
  configDirs: (ctx) => [configDir(ctx)],
  server: jsonServer(configPath, (launch) => ({ command: launch.command, args: launch.args, env: {} })),
};
