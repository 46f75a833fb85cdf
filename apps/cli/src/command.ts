import { defineCommand } from "citty";
import { mcpCommand, serveStdio } from "./mcp.js";
import { doctorCommand } from "./doctor.js";
import { initCommand } from "./init.js";
import { routeCommand } from "./route.js";
import { setupCommand } from "./setup.js";
import { uninstallCommand } from "./uninstall.js";
import { updateCommand } from "./update.js";
import { version } from "./version.js";

/** The root `subagent-mcp` command: without a subcommand it serves MCP on stdio. */
export const mainCommand = defineCommand({
  meta: {
    name: "subagent-mcp",
    version,
    description:
      "Run Claude Code, Codex and Gemini CLI sessions as sub-agents of your coding agent, over MCP.",
  },
  subCommands: { mcp: mcpCommand, setup: setupCommand, init: initCommand, update: updateCommand, uninstall: uninstallCommand, doctor: doctorCommand, route: routeCommand },
  async run({ rawArgs }) {
    if (rawArgs.length === 0) await serveStdio();
  },
});
