import { defineCommand } from "citty";
import { version } from "./version.js";

/** The root `subagent-mcp` command; subcommands are added as their features land. */
export const mainCommand = defineCommand({
  meta: {
    name: "subagent-mcp",
    version,
    description:
      "Run Claude Code, Codex and Gemini CLI sessions as sub-agents of your coding agent, over MCP.",
  },
});
