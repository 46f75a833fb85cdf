import { readdir } from "node:fs/promises";
import { join } from "node:path";
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

/** Where a settings reader finds the files: the user's, the project's, and the folder of the user's extensions with their manifest's name. */
interface SettingsPaths {
  userFile: string;
  projectFile: string;
  extensions?: { dir: string; manifest: string };
}

/**
 * Gemini CLI's or Qwen Code's `mcpServers`: the project's settings file (`projectFile`, in the cwd),
 * then the user's; `$VAR` and `${VAR}` expanded over the file as the CLI does. The servers of the
 * user's extensions (`paths.extensions`) are named too, as the CLI starts them: each admitted by
 * every settings file read. They are not offered to other CLIs' sub-agents.
 */
export async function readSettingsServers(reading: HostReading, ctx: LookupContext, paths: SettingsPaths): Promise<void> {
  const { userFile, projectFile } = paths;
  const files: { scope: McpScope; file: string }[] = projectFile === userFile ? [] : [{ scope: "project", file: projectFile }];
  files.push({ scope: "user", file: userFile });
  const reads = await Promise.all(files.map(async ({ scope, file }) => ({ scope, file, read: expanded(await readConfig(file, "jsonc"), ctx.env) })));
  const allows = reads.map(({ read }) => (read.kind === "ok" ? admitted(read.data) : () => true));
  for (const [i, { scope, file, read }] of reads.entries()) {
    reading.addAll(
      scope,
      file,
      reading.table(file, read, "mcpServers"),
      (name, entry) => {
        const made = draft(entry);
        const cwd = (entry as { cwd?: unknown }).cwd;
        if (!("skip" in made) && "command" in made && typeof cwd === "string") {
          reading.note(file, name, `is offered without its cwd (${cwd}): a sub-agent's CLI starts it in the sub-agent's folder`);
        }
        return made;
      },
      allows[i],
    );
  }
  if (paths.extensions !== undefined) reading.alsoStarted((await extensionServers(paths.extensions)).filter((name) => allows.every((allow) => allow(name))));
}

/**
 * The server names in the manifests of the extensions under `dir` (one folder each). An extension
 * that is disabled starts none, which only makes a name in an allow-list unused; a manifest that
 * does not read names none.
 */
async function extensionServers(extensions: { dir: string; manifest: string }): Promise<string[]> {
  let folders: string[];
  try {
    folders = (await readdir(extensions.dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
  const reads = await Promise.all(folders.map((folder) => readConfig(join(extensions.dir, folder, extensions.manifest), "jsonc")));
  return reads.flatMap((read) => {
    const servers = read.kind === "ok" ? read.data.mcpServers : undefined;
    return typeof servers === "object" && servers !== null && !Array.isArray(servers) ? Object.keys(servers) : [];
  });
}
