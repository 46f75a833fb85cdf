import { delimiter, join } from "node:path";

/** Where definitions, skills and expertise are looked for. */
export interface SearchContext {
  cwd: string;
  home: string;
  env: Record<string, string | undefined>;
  /** Extra definition directories (e.g. from the config file), searched with the env ones, first. */
  extraDirs?: string[];
}

function xdgConfig(ctx: SearchContext): string {
  return ctx.env.XDG_CONFIG_HOME ?? join(ctx.home, ".config");
}

/**
 * Definition directories, highest precedence first: SUBAGENT_MCP_AGENTS_PATH entries and extra
 * directories, the project's `.subagent-mcp/agents` then `.claude/agents`, the user's
 * `$XDG_CONFIG_HOME/subagent-mcp/agents` then `~/.claude/agents`. A name found earlier wins.
 */
export function definitionDirs(ctx: SearchContext): string[] {
  const fromEnv = (ctx.env.SUBAGENT_MCP_AGENTS_PATH ?? "").split(delimiter).filter(Boolean);
  return [
    ...fromEnv,
    ...(ctx.extraDirs ?? []),
    join(ctx.cwd, ".subagent-mcp", "agents"),
    join(ctx.cwd, ".claude", "agents"),
    join(xdgConfig(ctx), "subagent-mcp", "agents"),
    join(ctx.home, ".claude", "agents"),
  ];
}

/** Skill directories (each skill is `<dir>/<name>/SKILL.md`), highest precedence first. */
export function skillDirs(ctx: SearchContext): string[] {
  return [join(ctx.cwd, ".subagent-mcp", "skills"), join(ctx.cwd, ".claude", "skills"), join(xdgConfig(ctx), "subagent-mcp", "skills"), join(ctx.home, ".claude", "skills")];
}

/** Expertise directories (each is `<dir>/<name>.md`), highest precedence first. */
export function expertiseDirs(ctx: SearchContext): string[] {
  return [join(ctx.cwd, ".subagent-mcp", "expertise"), join(xdgConfig(ctx), "subagent-mcp", "expertise")];
}
