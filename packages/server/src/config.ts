import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ProviderSchema } from "@subagent-mcp/core";
import { DEFAULT_TABLE, mergeRoutingTable, RoutingConfigSchema, type Branch, type RoutingTable } from "@subagent-mcp/routing";
import { z } from "zod";
import { ServerError } from "./errors.js";

/** The one schema of both config files (user and project). Unknown keys are errors: typos show. */
export const ConfigSchema = z.strictObject({
  /** Processing agents allowed per provider (default 5). */
  caps: z.partialRecord(ProviderSchema, z.int().min(1).max(100)).optional(),
  /** No visible output for this long marks an agent stalled (default 600). */
  stall_seconds: z.number().positive().optional(),
  /** Deepest chain of nested subagent-mcp servers allowed (default 2). */
  max_depth: z.int().min(0).max(10).optional(),
  /** Explicit CLI executables, over PATH. */
  executables: z.partialRecord(ProviderSchema, z.string().min(1)).optional(),
  /** Routing branch and table overrides (see @subagent-mcp/routing). */
  routing: RoutingConfigSchema.optional(),
});
export type Config = z.infer<typeof ConfigSchema>;

/** The effective configuration, with the routing table already merged. */
export interface EffectiveConfig extends Omit<Config, "routing"> {
  routingTable: RoutingTable;
  routingBranch: Branch;
}

/** Where the user's config lives: $XDG_CONFIG_HOME/subagent-mcp/config.json. */
export function userConfigPath(env: Record<string, string | undefined>): string {
  return join(env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), ".config"), "subagent-mcp", "config.json");
}

function readConfig(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ServerError("CONFIG_INVALID", `${path}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = ConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new ServerError("CONFIG_INVALID", `${path}: ${issues}`);
  }
  return parsed.data;
}

function envInt(env: Record<string, string | undefined>, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ServerError("CONFIG_INVALID", `${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

/**
 * The effective configuration: the user's file, then the project's `.subagent-mcp/config.json`
 * (which wins), then SUBAGENT_MCP_* environment variables (which win over both).
 */
export function loadConfig(options: { cwd: string; env: Record<string, string | undefined> }): EffectiveConfig {
  const { env } = options;
  const user = readConfig(userConfigPath(env));
  const project = readConfig(join(options.cwd, ".subagent-mcp", "config.json"));
  const caps = { ...user.caps, ...project.caps };
  for (const provider of ProviderSchema.options) {
    const cap = envInt(env, `SUBAGENT_MCP_CAP_${provider.toUpperCase()}`, 1);
    if (cap !== undefined) caps[provider] = cap;
  }
  const stall = envInt(env, "SUBAGENT_MCP_STALL_SECONDS", 1);
  const depth = envInt(env, "SUBAGENT_MCP_MAX_DEPTH", 0);
  const stallSeconds = stall ?? project.stall_seconds ?? user.stall_seconds;
  const maxDepth = depth ?? project.max_depth ?? user.max_depth;
  return {
    caps,
    ...(stallSeconds === undefined ? {} : { stall_seconds: stallSeconds }),
    ...(maxDepth === undefined ? {} : { max_depth: maxDepth }),
    executables: { ...user.executables, ...project.executables },
    routingTable: mergeRoutingTable(mergeRoutingTable(DEFAULT_TABLE, user.routing), project.routing),
    routingBranch: project.routing?.branch ?? user.routing?.branch ?? "cost_efficiency",
  };
}
