// What lets a launch run (the fleet key, the Redis URL with its password) must be out of every
// sub-agent's reach: the variables that hold it, named once for the drivers (every CLI's environment
// is built without them) and the CLI (a node refuses to start with them set).

/** The fleet key's variable: the signing key of every command a node runs. */
export const FLEET_KEY_ENV = "SUBAGENT_MCP_FLEET_KEY";
/** The mailbox settings' variables (SUBAGENT_MCP_MAILBOX_URL may hold the Redis password). */
const MAILBOX_ENV_PREFIX = "SUBAGENT_MCP_MAILBOX_";

/** Whether a variable may hold what lets a launch run: never in a sub-agent CLI's environment. */
function isSecretEnv(name: string): boolean {
  return name === FLEET_KEY_ENV || name.startsWith(MAILBOX_ENV_PREFIX);
}

/** The environment with every secret variable (the fleet key, the mailbox settings) and every unset one left out. */
export function withoutSecrets(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && !isSecretEnv(name)) out[name] = value;
  return out;
}
