// Per-provider settings of the config files with the environment over them: caps, executables.
import { capEnvVar, ENV_SETTINGS, executableEnvVar, type AcpAgentSpec, type EnvSetting, type Provider } from "@subagent-mcp/contract";
import { ConfigError } from "./errors.js";

/** An integer variable of the environment, at least `min`; undefined when unset or empty; a bad value is CONFIG_INVALID. */
export function envInt(env: Record<string, string | undefined>, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ConfigError("CONFIG_INVALID", `${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

/** What a SUBAGENT_MCP_* variable sets a config key to (ENV_SETTINGS), when it is set; a ConfigError when out of range. */
export function envSetting(env: Record<string, string | undefined>, key: keyof typeof ENV_SETTINGS): number | undefined {
  const { variable, min, max }: EnvSetting = ENV_SETTINGS[key];
  const value = envInt(env, variable, min);
  if (value !== undefined && max !== undefined && value > max)
    throw new ConfigError("CONFIG_INVALID", `${variable} must be an integer from ${min} to ${max}, got "${value}"`);
  return value;
}

// A provider's own `cap` first; the `caps` sections over it (the user's, then the project's); the environment over all.
export function capsOf(
  agents: ReadonlyMap<Provider, AcpAgentSpec>,
  sections: (Record<Provider, number> | undefined)[],
  providers: Provider[],
  env: Record<string, string | undefined>,
): Record<Provider, number> {
  const caps: Record<Provider, number> = {};
  for (const [name, agent] of agents) if (agent.cap !== undefined) caps[name] = agent.cap;
  for (const section of sections) Object.assign(caps, section);
  for (const provider of providers) {
    const cap = envInt(env, capEnvVar(provider), 1);
    if (cap !== undefined) caps[provider] = cap;
  }
  return caps;
}

// The files' executables (the project's over the user's); SUBAGENT_MCP_<P>_PATH wins over both, as documented.
export function executablesOf(
  files: (Record<Provider, string> | undefined)[],
  providers: Provider[],
  env: Record<string, string | undefined>,
): Record<Provider, string> {
  const executables: Record<Provider, string> = {};
  for (const file of files) Object.assign(executables, file);
  for (const provider of providers) {
    const path = env[executableEnvVar(provider)];
    if (path !== undefined && path !== "") executables[provider] = path;
  }
  return executables;
}
