// What the config and the drivers both say of an agent's process: its CPU niceness by default and
// the variable that names its executable.
import type { Provider } from "../provider.js";

/**
 * The CPU niceness of agents' CLIs unless the config's `agent_nice` says otherwise. Each CLI leads
 * a session of its own, so the scheduler shares the CPU among the server's session and every
 * agent's as equals: at 100 busy agents the server had 1/101 of the machine and list_agents took
 * 2 s. At 19 a CLI weighs 15 against the server's 1024 (at 10, 110: the medians fell to ~30 ms but
 * the p99s stayed near 2 s); nothing changes while the machine has CPU to spare.
 */
export const DEFAULT_AGENT_NICE = 19;

/** The environment variable that overrides a provider's executable, e.g. SUBAGENT_MCP_CLAUDE_PATH. */
export function executableEnvVar(provider: Provider): string {
  return `SUBAGENT_MCP_${envName(provider)}_PATH`;
}

/** The environment variable that sets a provider's cap over the config files, e.g. SUBAGENT_MCP_CAP_CLAUDE. */
export function capEnvVar(provider: Provider): string {
  return `SUBAGENT_MCP_CAP_${envName(provider)}`;
}

const envName = (provider: Provider): string => provider.toUpperCase().replaceAll("-", "_");
