import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { HostAdapter } from "../adapter.js";
import { TOOL_TIMEOUT_SEC, type HostContext } from "../host.js";
import { jsonServer } from "../json-settings.js";
import { entryOf, type Draft, type HostReading, type LookupContext, type McpScope } from "../mcp/entries.js";
import { expandOpencode, mapStrings } from "../mcp/expand.js";
import { projectDirs, readConfig } from "../mcp/read-config.js";

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

// --- The user's MCP servers, for sub-agents.

const OpencodeEntrySchema = z.discriminatedUnion("type", [
  z.looseObject({
    type: z.literal("local"),
    command: z.array(z.string()).min(1),
    environment: z.record(z.string(), z.string()).default({}),
    enabled: z.boolean().default(true),
  }),
  z.looseObject({
    type: z.literal("remote"),
    url: z.string(),
    headers: z.record(z.string(), z.string()).default({}),
    enabled: z.boolean().default(true),
  }),
]);

// A local server's command line is one array; `{env:VAR}` is expanded as OpenCode does.
function draft(raw: unknown, env: LookupContext["env"]): Draft | undefined {
  const parsed = entryOf(
    OpencodeEntrySchema,
    mapStrings(raw, (text) => expandOpencode(text, env)),
  );
  if ("skip" in parsed) return parsed;
  const entry = parsed.entry;
  if (!entry.enabled) return undefined;
  if (entry.type === "remote") return { url: entry.url, headers: entry.headers };
  const [command, ...args] = entry.command as [string, ...string[]];
  return { command, args, env: entry.environment };
}

/**
 * OpenCode's `mcp`: the project's opencode.jsonc / opencode.json from the cwd up to the git root
 * (nearest first), then the user's global config; `enabled: false` ones are left out.
 */
async function readOpencodeServers(ctx: LookupContext, reading: HostReading): Promise<void> {
  const userFile = configPath(ctx);
  const dirs = projectDirs(ctx.cwd);
  const files: { scope: McpScope; file: string }[] = dirs
    .flatMap((dir) => ["opencode.jsonc", "opencode.json"].map((name) => join(dir, name)))
    .filter((file) => file !== userFile)
    .map((file) => ({ scope: "project", file }));
  files.push({ scope: "user", file: userFile });
  const reads = await Promise.all(files.map(async ({ scope, file }) => ({ scope, file, read: await readConfig(file, "jsonc") })));
  for (const { scope, file, read } of reads) reading.addAll(scope, file, reading.table(file, read, "mcp"), (_name, raw) => draft(raw, ctx.env));
}

/**
 * OpenCode: our server (`mcp.<name>`, a local server whose command line is one array), its global
 * instructions, and the user's MCP servers. Its plugins are JavaScript modules, not command hooks:
 * no hooks, and no plugin of ours.
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
  mcpServers: readOpencodeServers,
};
