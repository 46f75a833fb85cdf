import { z } from "zod";
import { entryOf, type Draft, type HostReading, type LookupContext, type McpScope } from "./entries.js";
import { expandGemini, mapStrings } from "./expand.js";
import { readConfig, type ReadConfig } from "./read-config.js";

// Gemini CLI's and Qwen Code's MCP server entries (Qwen Code is a Gemini CLI fork): the same
// settings.json shape, read the same way by both adapters.

const Strings = z.record(z.string(), z.string()).default({});
const SettingsEntrySchema = z.looseObject({
  command: z.string().optional(),
  args: z.array(z.string()).default([]),
  env: Strings,
  cwd: z.string().optional(),
  url: z.string().optional(),
  httpUrl: z.string().optional(),
  headers: Strings,
  type: z.string().optional(),
  tcp: z.string().optional(),
});

// Which transport Gemini CLI picks: httpUrl is streamable HTTP; url is too unless its type says SSE.
function draft(raw: unknown): Draft {
  const parsed = entryOf(SettingsEntrySchema, raw);
  if ("skip" in parsed) return parsed;
  const entry = parsed.entry;
  if (entry.httpUrl !== undefined) return { url: entry.httpUrl, headers: entry.headers };
  if (entry.url !== undefined) {
    return entry.type === "sse"
      ? { skip: "an SSE server: a sub-agent is handed stdio and streamable HTTP servers only" }
      : { url: entry.url, headers: entry.headers };
  }
  if (entry.command !== undefined) return { command: entry.command, args: entry.args, env: entry.env };
  return {
    skip: entry.tcp === undefined ? "needs command, url or httpUrl" : "a websocket (tcp) server: a sub-agent is handed stdio and streamable HTTP servers only",
  };
}

// The settings' `mcp.allowed` and `mcp.excluded` lists of server names, as the CLI applies them.
function admitted(data: Record<string, unknown>): (name: string) => boolean {
  const mcp = (data.mcp ?? {}) as { allowed?: unknown; excluded?: unknown };
  const allowed = Array.isArray(mcp.allowed) ? (mcp.allowed as unknown[]) : undefined;
  const excluded = Array.isArray(mcp.excluded) ? (mcp.excluded as unknown[]) : [];
  return (name) => (allowed === undefined || allowed.includes(name)) && !excluded.includes(name);
}

function expanded(read: ReadConfig, env: LookupContext["env"]): ReadConfig {
  return read.kind === "ok" ? { kind: "ok", data: mapStrings(read.data, (text) => expandGemini(text, env)) as Record<string, unknown> } : read;
}

/**
 * Gemini CLI's or Qwen Code's `mcpServers`: the project's settings file (`projectFile`, in the cwd),
 * then the user's; `$VAR` and `${VAR}` expanded over the file as the CLI does.
 */
export async function readSettingsServers(reading: HostReading, ctx: LookupContext, paths: { userFile: string; projectFile: string }): Promise<void> {
  const { userFile, projectFile } = paths;
  const files: { scope: McpScope; file: string }[] = projectFile === userFile ? [] : [{ scope: "project", file: projectFile }];
  files.push({ scope: "user", file: userFile });
  const reads = await Promise.all(files.map(async ({ scope, file }) => ({ scope, file, read: await readConfig(file, "jsonc") })));
  for (const { scope, file, read: raw } of reads) {
    const read = expanded(raw, ctx.env);
    const allow = read.kind === "ok" ? admitted(read.data) : () => true;
    reading.addAll(scope, file, reading.table(file, read, "mcpServers"), (name, entry) => {
      if (!allow(name)) return undefined;
      const made = draft(entry);
      const cwd = (entry as { cwd?: unknown }).cwd;
      if (!("skip" in made) && "command" in made && typeof cwd === "string") {
        reading.note(file, name, `is offered without its cwd (${cwd}): a sub-agent's CLI starts it in the sub-agent's folder`);
      }
      return made;
    });
  }
}
