import { join } from "node:path";
import { mcpConfigPath } from "@subagent-mcp/host-config";
import { z } from "zod";
import type { LookupContext } from "../catalog.js";
import { entryOf, HostReading, type Draft } from "../entries.js";
import { expandClaude, mapStrings } from "../expand.js";
import { projectDirs, readConfig } from "../files.js";

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
export async function readClaude(ctx: LookupContext): Promise<HostReading> {
  const reading = new HostReading("claude");
  const userFile = mcpConfigPath("claude", ctx);
  const dirs = await projectDirs(ctx.cwd);
  const [user, projects] = await Promise.all([
    readConfig(userFile, "jsonc"),
    Promise.all(dirs.map(async (dir) => ({ file: join(dir, ".mcp.json"), read: await readConfig(join(dir, ".mcp.json"), "jsonc") }))),
  ]);
  const entry = (_name: string, raw: unknown) => draft(raw, ctx.env);
  const users = reading.table(userFile, user, "mcpServers");
  if (user.kind === "ok") reading.addAll("local", userFile, localServers(reading, userFile, user.data, dirs), entry);
  for (const { file, read } of projects) reading.addAll("project", file, reading.table(file, read, "mcpServers"), entry);
  reading.addAll("user", userFile, users, entry);
  return reading;
}
