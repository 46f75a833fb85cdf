import { dirname, join } from "node:path";
import { nativeSubagentTools } from "@subagent-mcp/hooks";
import type { HostAdapter, HostContext } from "../host.js";
import { jsonHooks, jsonServer } from "./json-settings.js";

// Claude Code keeps its settings (hooks) and CLAUDE.md in $CLAUDE_CONFIG_DIR or ~/.claude, and user
// MCP servers in ~/.claude.json (or $CLAUDE_CONFIG_DIR/.claude.json).
/** Claude Code's settings folder: $CLAUDE_CONFIG_DIR or ~/.claude. */
export const configDir = (ctx: HostContext) => ctx.env.CLAUDE_CONFIG_DIR ?? join(ctx.home, ".claude");
const serverPath = (ctx: HostContext) => join(ctx.env.CLAUDE_CONFIG_DIR ?? ctx.home, ".claude.json");

/** Claude Code. */
export const claude: HostAdapter = {
  label: "Claude Code",
  cli: "claude",
  // ~/.claude.json's folder is the home itself, so ~/.claude must exist too.
  configDirs: (ctx) => [dirname(serverPath(ctx)), join(ctx.home, ".claude")],
  server: jsonServer(serverPath, (launch) => ({ type: "stdio", command: launch.command, args: launch.args, env: {} })),
  // UserPromptSubmit, PreToolUse on the native sub-agent tools, Stop and SessionStart; timeouts are seconds.
  hooks: jsonHooks("claude", (ctx) => join(configDir(ctx), "settings.json"), {
    matcher: nativeSubagentTools("claude").join("|"),
    handler: (command) => ({ type: "command", command, timeout: 10 }),
  }),
  instructions: { file: "CLAUDE.md", global: (ctx) => join(configDir(ctx), "CLAUDE.md") },
};
