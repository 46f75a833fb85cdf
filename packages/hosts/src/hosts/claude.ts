import { dirname, join } from "node:path";
import { nativeSubagentTools } from "@subagent-mcp/hooks";
import { z } from "zod";
import type { HostAdapter } from "../adapter.js";
import type { HostContext } from "../host.js";
import { jsonHooks, jsonServer } from "../json-settings.js";
import { entryOf, type Draft, type HostReading, type LookupContext } from "../mcp/entries.js";
import { expandClaude, mapStrings } from "../mcp/expand.js";
import { projectDirs, readConfig } from "../mcp/read-config.js";
import { ourPluginIds, readChecked, type PluginInstall } from "../plugin-record.js";

// Claude Code keeps its settings (hooks) and CLAUDE.md in $CLAUDE_CONFIG_DIR or ~/.claude, and user
// MCP servers in ~/.claude.json (or $CLAUDE_CONFIG_DIR/.claude.json).
/** Claude Code's settings folder: $CLAUDE_CONFIG_DIR or ~/.claude. */
const configDir = (ctx: HostContext) => ctx.env.CLAUDE_CONFIG_DIR ?? join(ctx.home, ".claude");
const serverPath = (ctx: HostContext) => join(ctx.env.CLAUDE_CONFIG_DIR ?? ctx.home, ".claude.json");

// --- The user's MCP servers, for sub-agents.

const ClaudeEntrySchema = z.looseObject({
  type: z.string().optional(),
  command: z.string().optional(),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  url: z.string().optional(),
  headers: z.record(z.string(), z.string()).default({}),
});
type ClaudeEntry = z.output<typeof ClaudeEntrySchema>;

// One entry as Claude Code reads it: no type is stdio; ${VAR} is expanded, and an unset one without a default refuses the server.
function draft(raw: unknown, env: LookupContext["env"]): Draft {
  const parsed = entryOf(ClaudeEntrySchema, raw);
  if ("skip" in parsed) return parsed;
  const missing = new Set<string>();
  const entry = mapStrings(parsed.entry, (text) => expandClaude(text, env, missing)) as ClaudeEntry;
  if (missing.size > 0) return { skip: `environment variable ${[...missing].join(", ")} is not set and has no default` };
  const type = entry.type ?? "stdio";
  if (type === "stdio") return entry.command === undefined ? { skip: "no command" } : { command: entry.command, args: entry.args, env: entry.env };
  if (type === "http") return entry.url === undefined ? { skip: "no url" } : { url: entry.url, headers: entry.headers };
  if (type === "sse") return { skip: "an SSE server: a sub-agent is handed stdio and streamable HTTP servers only" };
  return { skip: `type "${type}" is not one a sub-agent can be handed (stdio, http)` };
}

// The local scope: ~/.claude.json's entry for the nearest of the project's folders that has one.
function localServers(reading: HostReading, file: string, data: Record<string, unknown>, dirs: string[]): Record<string, unknown> | undefined {
  const known = (data.projects ?? {}) as Record<string, Record<string, unknown> | undefined>;
  for (const dir of dirs) {
    const project = known[dir];
    if (project?.mcpServers !== undefined) return reading.table(file, { kind: "ok", data: project }, "mcpServers");
  }
  return undefined;
}

/**
 * Claude Code's servers: the local scope (`projects[<project>].mcpServers` in ~/.claude.json, the
 * nearest of the cwd and its parents up to the git root that has an entry), the project's
 * `.mcp.json` files from the cwd up to the git root (nearest first), and the user's `mcpServers`.
 */
async function readClaudeServers(ctx: LookupContext, reading: HostReading): Promise<void> {
  const userFile = serverPath(ctx);
  const dirs = projectDirs(ctx.cwd);
  const [user, projects] = await Promise.all([
    readConfig(userFile, "jsonc"),
    Promise.all(dirs.map(async (dir) => ({ file: join(dir, ".mcp.json"), read: await readConfig(join(dir, ".mcp.json"), "jsonc") }))),
  ]);
  const entry = (_name: string, raw: unknown) => draft(raw, ctx.env);
  const users = reading.table(userFile, user, "mcpServers");
  if (user.kind === "ok") reading.addAll("local", userFile, localServers(reading, userFile, user.data, dirs), entry);
  for (const { file, read } of projects) reading.addAll("project", file, reading.table(file, read, "mcpServers"), entry);
  reading.addAll("user", userFile, users, entry);
}

// --- Our plugin, as `claude plugin install` records it.

// Our entries only: another plugin's record may be of any shape without making ours unreadable.
const OurEntry = z.looseObject({ scope: z.string().optional(), version: z.string().optional(), installPath: z.string().optional() });
const InstalledPlugins = z.looseObject({ plugins: z.record(z.string(), z.unknown()).optional() });
const ClaudeSettings = z.looseObject({ enabledPlugins: z.record(z.string(), z.unknown()).optional() });

// installed_plugins.json lists installs per scope; a user-scope one is what covers every project,
// and settings.json's enabledPlugins turns it off with false.
function claudePlugin(ctx: HostContext): PluginInstall | undefined {
  const path = join(configDir(ctx), "plugins", "installed_plugins.json");
  const plugins = readChecked(path, InstalledPlugins)?.plugins ?? {};
  const enabled = readChecked(join(configDir(ctx), "settings.json"), ClaudeSettings)?.enabledPlugins ?? {};
  const found = ourPluginIds(Object.keys(plugins)).flatMap((id) => {
    const entries = z.array(OurEntry).safeParse(plugins[id]);
    const user = entries.success ? entries.data.find((e) => (e.scope ?? "user") === "user") : undefined;
    return user === undefined ? [] : [{ id, version: user.version, path, enabled: enabled[id] !== false, remove: `claude plugin uninstall ${id}` }];
  });
  return found.find((p) => p.enabled) ?? found[0];
}

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
  mcpServers: readClaudeServers,
  plugin: { find: claudePlugin, shipsHooks: true },
};
