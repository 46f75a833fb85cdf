/** Set in every sub-agent's environment: how deep in a chain of subagent-mcp servers it runs. */
export const DEPTH_ENV = "SUBAGENT_MCP_DEPTH";

/** The nesting depth of this process, from its environment (0 when absent or malformed). */
export function depthFrom(env: Record<string, string | undefined>): number {
  const depth = Number(env[DEPTH_ENV]);
  return Number.isInteger(depth) && depth > 0 ? depth : 0;
}
