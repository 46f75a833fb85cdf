import { delimiter, join, resolve } from "node:path";
import { projectDefinitionDirs } from "@subagent-mcp/contract/definition-dirs";
import type { DefinitionScope } from "./schema.js";

// Kept free of YAML and zod at runtime: the host hooks import this file on every prompt.

/** Where definitions, skills and expertise are looked for. */
export interface SearchContext {
  cwd: string;
  home: string;
  env: Record<string, string | undefined>;
  /** Extra definition directories (e.g. from the config file), searched with the env ones, first. */
  extraDirs?: string[];
  /** Definitions shipped with us (a plugin's sample agents): searched last, as the user's, so any of theirs wins a name. */
  fallbackDirs?: string[];
}

/** A definition directory and who put it in the search: the environment, the project or the user. */
export interface DefinitionDir {
  dir: string;
  scope: DefinitionScope;
}

function xdgConfig(ctx: SearchContext): string {
  return ctx.env.XDG_CONFIG_HOME ?? join(ctx.home, ".config");
}

// The least trusted scope first: a folder listed twice keeps the most trusted of its scopes.
const TRUST_ORDER: DefinitionScope[] = ["project", "user", "env"];

/**
 * Definition directories with their scope, highest precedence first: SUBAGENT_MCP_AGENTS_PATH entries
 * and extra directories, the project's `.subagent-mcp/agents` then `.claude/agents`, the user's
 * `$XDG_CONFIG_HOME/subagent-mcp/agents` then `~/.claude/agents`, then the fallback ones. A folder listed twice (a project
 * at $HOME: its `.claude/agents` is the user's) is read once, at its first place, as its most
 * trusted scope.
 */
export function definitionSources(ctx: SearchContext): DefinitionDir[] {
  const fromEnv = (ctx.env.SUBAGENT_MCP_AGENTS_PATH ?? "").split(delimiter).filter(Boolean);
  const listed: DefinitionDir[] = [
    ...[...fromEnv, ...(ctx.extraDirs ?? [])].map((dir) => ({ dir, scope: "env" as const })),
    ...projectDefinitionDirs(ctx.cwd).map((dir) => ({ dir, scope: "project" as const })),
    { dir: join(xdgConfig(ctx), "subagent-mcp", "agents"), scope: "user" },
    { dir: join(ctx.home, ".claude", "agents"), scope: "user" },
    ...(ctx.fallbackDirs ?? []).map((dir) => ({ dir, scope: "user" as const })),
  ];
  const byPath = new Map<string, DefinitionDir>();
  for (const entry of listed) {
    const key = resolve(entry.dir);
    const seen = byPath.get(key);
    if (seen === undefined) byPath.set(key, { ...entry });
    else if (TRUST_ORDER.indexOf(entry.scope) > TRUST_ORDER.indexOf(seen.scope)) seen.scope = entry.scope;
  }
  return [...byPath.values()];
}

/** The directories of {@link definitionSources}, highest precedence first. A name found earlier wins. */
export function definitionDirs(ctx: SearchContext): string[] {
  return definitionSources(ctx).map((s) => s.dir);
}

/** Skill directories (each skill is `<dir>/<name>/SKILL.md`), highest precedence first. */
export function skillDirs(ctx: SearchContext): string[] {
  return [
    join(ctx.cwd, ".subagent-mcp", "skills"),
    join(ctx.cwd, ".claude", "skills"),
    join(xdgConfig(ctx), "subagent-mcp", "skills"),
    join(ctx.home, ".claude", "skills"),
  ];
}

/** Expertise directories (each is `<dir>/<name>.md`), highest precedence first. */
export function expertiseDirs(ctx: SearchContext): string[] {
  return [join(ctx.cwd, ".subagent-mcp", "expertise"), join(xdgConfig(ctx), "subagent-mcp", "expertise")];
}
