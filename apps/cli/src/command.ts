import { defineCommand } from "citty";
import { version } from "./version.js";

/**
 * The root `subagent-mcp` command: without a subcommand it serves MCP on stdio. Subcommands load
 * on demand, so `--version`, `route` or `init` don't pay for the MCP server's modules.
 */
export const mainCommand = defineCommand({
  meta: {
    name: "subagent-mcp",
    version,
    description: "Run Claude Code, Codex and Gemini CLI sessions as sub-agents of your coding agent, over MCP.",
  },
  subCommands: {
    mcp: () => import("./mcp.js").then((m) => m.mcpCommand),
    setup: () => import("./setup.js").then((m) => m.setupCommand),
    init: () => import("./init.js").then((m) => m.initCommand),
    update: () => import("./update.js").then((m) => m.updateCommand),
    uninstall: () => import("./uninstall.js").then((m) => m.uninstallCommand),
    doctor: () => import("./doctor.js").then((m) => m.doctorCommand),
    route: () => import("./route.js").then((m) => m.routeCommand),
    send: () => import("./send.js").then((m) => m.sendCommand),
    worker: () => import("./worker.js").then((m) => m.workerCommand),
    mail: () => import("./mail.js").then((m) => m.mailCommand),
    workers: () => import("./workers.js").then((m) => m.workersCommand),
    node: () => import("./node.js").then((m) => m.nodeCommand),
    machines: () => import("./node.js").then((m) => m.machinesCommand),
    permissions: () => import("./permissions.js").then((m) => m.permissionsCommand),
    trust: () => import("./trust.js").then((m) => m.trustCommand),
    worktrees: () => import("./worktrees.js").then((m) => m.worktreesCommand),
    logs: () => import("./logs.js").then((m) => m.logsCommand),
    usage: () => import("./usage.js").then((m) => m.usageCommand),
    dashboard: () => import("./dashboard.js").then((m) => m.dashboardCommand),
    stop: () => import("./stop.js").then((m) => m.stopCommand),
    demo: () => import("./demo.js").then((m) => m.demoCommand),
  },
  async run({ rawArgs }) {
    if (rawArgs.length === 0) await (await import("./mcp.js")).serveStdio();
  },
});
