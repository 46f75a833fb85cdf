// Kept free of zod at runtime (its own entry point): the host hooks load the definition dirs on every prompt.
import { join } from "node:path";

/** The project's own definition directories: `.subagent-mcp/agents` then `.claude/agents`. */
export function projectDefinitionDirs(cwd: string): string[] {
  return [join(cwd, ".subagent-mcp", "agents"), join(cwd, ".claude", "agents")];
}
