import { mcpConfigPath } from "@subagent-mcp/host-config";
import { z } from "zod";
import type { LookupContext } from "../catalog.js";
import { entryOf, HostReading, type Draft } from "../entries.js";
import { readConfig } from "../files.js";

const Strings = z.record(z.string(), z.string()).default({});
const CodexEntrySchema = z.looseObject({
  command: z.string().optional(),
  args: z.array(z.string()).default([]),
  env: Strings,
  env_vars: z.array(z.string()).default([]),
  cwd: z.string().optional(),
  url: z.string().optional(),
  bearer_token_env_var: z.string().optional(),
  http_headers: Strings,
  env_http_headers: Strings,
  enabled: z.boolean().default(true),
});
type CodexEntry = z.output<typeof CodexEntrySchema>;

// A URL's headers as Codex sends them: fixed ones, ones read from variables (an unset one is left out), and the bearer token's.
function httpDraft(entry: CodexEntry & { url: string }, env: LookupContext["env"]): Draft {
  const headers = { ...entry.http_headers };
  for (const [header, variable] of Object.entries(entry.env_http_headers)) {
    const value = env[variable];
    if (value !== undefined && value !== "") headers[header] = value;
  }
  if (entry.bearer_token_env_var !== undefined) {
    const token = env[entry.bearer_token_env_var];
    if (token === undefined || token === "") return { skip: `bearer_token_env_var ${entry.bearer_token_env_var} is not set` };
    headers.Authorization = `Bearer ${token}`;
  }
  return { url: entry.url, headers };
}

/** Codex's `[mcp_servers.NAME]` tables in $CODEX_HOME/config.toml; `enabled = false` ones are left out. */
export async function readCodex(ctx: LookupContext): Promise<HostReading> {
  const reading = new HostReading("codex");
  const file = mcpConfigPath("codex", ctx);
  reading.addAll("user", file, reading.table(file, await readConfig(file, "toml"), "mcp_servers"), (name, raw) => {
    const parsed = entryOf(CodexEntrySchema, raw);
    if ("skip" in parsed) return parsed;
    const entry = parsed.entry;
    if (!entry.enabled) return undefined;
    if (entry.url !== undefined && entry.command === undefined) return httpDraft({ ...entry, url: entry.url }, ctx.env);
    if (entry.command === undefined || entry.url !== undefined) return { skip: "needs either command or url" };
    if (entry.cwd !== undefined) reading.note(file, name, `is offered without its cwd (${entry.cwd}): a sub-agent's CLI starts it in the sub-agent's folder`);
    // env_vars names variables Codex passes through from its own environment.
    const passed = Object.fromEntries(
      entry.env_vars.flatMap((variable) => {
        const value = ctx.env[variable];
        return value === undefined ? [] : [[variable, value]];
      }),
    );
    return { command: entry.command, args: entry.args, env: { ...passed, ...entry.env } };
  });
  return reading;
}
