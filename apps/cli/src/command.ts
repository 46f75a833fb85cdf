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
    mcp: () => import("./mcp/entry.js").then((m) => m.mcpCommand),
    setup: () => import("./setup/setup.js").then((m) => m.setupCommand),
    init: () => import("./setup/init.js").then((m) => m.initCommand),
    update: () => import("./setup/update.js").then((m) => m.updateCommand),
    uninstall: () => import("./setup/uninstall.js").then((m) => m.uninstallCommand),
    doctor: () => import("./setup/doctor.js").then((m) => m.doctorCommand),
    route: () => import("./usage/route.js").then((m) => m.routeCommand),
    send: () => import("./worker/send.js").then((m) => m.sendCommand),
    worker: () => import("./worker/worker.js").then((m) => m.workerCommand),
    mail: () => import("./worker/mail.js").then((m) => m.mailCommand),
    workers: () => import("./worker/workers.js").then((m) => m.workersCommand),
    node: () => import("./fleet/node.js").then((m) => m.nodeCommand),
    machines: () => import("./fleet/node.js").then((m) => m.machinesCommand),
    permissions: () => import("./worker/permissions.js").then((m) => m.permissionsCommand),
    trust: () => import("./setup/trust.js").then((m) => m.trustCommand),
    worktrees: () => import("./agents/worktrees.js").then((m) => m.worktreesCommand),
    logs: () => import("./agents/logs.js").then((m) => m.logsCommand),
    usage: () => import("./usage/usage.js").then((m) => m.usageCommand),
    dashboard: () => import("./agents/dashboard.js").then((m) => m.dashboardCommand),
    stop: () => import("./agents/stop.js").then((m) => m.stopCommand),
    demo: () => import("./demo/demo.js").then((m) => m.demoCommand),
    hook: () => import("./hook-command.js").then((m) => m.hookCommand),
  },
  async run({ rawArgs }) {
    if (rawArgs.length === 0) await (await import("./mcp/entry.js")).serveThroughDoor();
  },
});
