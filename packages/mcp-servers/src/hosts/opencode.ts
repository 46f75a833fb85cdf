import { join } from "node:path";
import { mcpConfigPath } from "@subagent-mcp/host-config";
import { z } from "zod";
import type { LookupContext, McpScope } from "../catalog.js";
import { entryOf, HostReading, type Draft } from "../entries.js";
import { expandOpencode, mapStrings } from "../expand.js";
import { projectDirs, readConfig } from "../files.js";

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
export async function readOpencode(ctx: LookupContext): Promise<HostReading> {
  const reading = new HostReading("opencode");
  const userFile = mcpConfigPath("opencode", ctx);
  const dirs = await projectDirs(ctx.cwd);
  const files: { scope: McpScope; file: string }[] = dirs
    .flatMap((dir) => ["opencode.jsonc", "opencode.json"].map((name) => join(dir, name)))
    .filter((file) => file !== userFile)
    .map((file) => ({ scope: "project", file }));
  files.push({ scope: "user", file: userFile });
  const reads = await Promise.all(files.map(async ({ scope, file }) => ({ scope, file, read: await readConfig(file, "jsonc") })));
  for (const { scope, file, read } of reads) reading.addAll(scope, file, reading.table(file, read, "mcp"), (_name, raw) => draft(raw, ctx.env));
  return reading;
}
