// The variables a server passes down to its sub-agent (for the subagent-mcp server that agent's CLI
// starts), named once: config writes and reads them, a fleet node holds them to its own ceiling, and
// they are what a launch's own env may set (core's supervisor).

/** Set in every sub-agent's environment: how deep in a chain of subagent-mcp servers it runs. */
export const DEPTH_ENV = "SUBAGENT_MCP_DEPTH";
/** The deepest chain allowed; passed down so that no server below can raise it. */
export const MAX_DEPTH_ENV = "SUBAGENT_MCP_MAX_DEPTH";
/** The mailbox a server speaks for; passed down as the sub-agent's own ("" for none). */
export const NAME_ENV = "SUBAGENT_MCP_AGENT_NAME";
/** The permission level of the agent a server runs under: the most it may grant. */
export const CEILING_ENV = "SUBAGENT_MCP_PERMISSION_CEILING";
/** The tools the agent a server runs under may use without asking, as a JSON array ("*": any). */
export const TOOLS_CEILING_ENV = "SUBAGENT_MCP_TOOLS_CEILING";
/** The agents a server runs under, top first, comma-separated: it sees only the journal's agents below the last of them. */
export const AGENT_LINEAGE_ENV = "SUBAGENT_MCP_LINEAGE";
/** What the agent a server runs under had left when it started, as JSON limits ("" or absent: no limit). */
export const BUDGET_LEFT_ENV = "SUBAGENT_MCP_BUDGET_LEFT";

/**
 * What a sub-agent inherits, every variable set explicitly (so nothing leaks through from the
 * launching server's own environment). The drivers hand them on to the MCP servers the sub-agent's
 * CLI starts, the user-wide subagent-mcp server among them.
 */
export const LINEAGE_ENV = [DEPTH_ENV, MAX_DEPTH_ENV, NAME_ENV, CEILING_ENV, TOOLS_CEILING_ENV, AGENT_LINEAGE_ENV, BUDGET_LEFT_ENV] as const;

/** The nesting depth of this process, from its environment (0 when absent or malformed). */
export function depthFrom(env: Record<string, string | undefined>): number {
  const depth = Number(env[DEPTH_ENV]);
  return Number.isInteger(depth) && depth > 0 ? depth : 0;
}
