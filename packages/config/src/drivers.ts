// Apart from the index: the drivers (and their protocol libraries) load only where a driver is made.
import { driverFor, type CliDriver } from "@subagent-mcp/drivers";
import type { Sandbox } from "@subagent-mcp/sandbox";
import type { EffectiveConfig } from "./config.js";
import { CONFIG_DEFAULTS } from "./defaults.js";
import { createSandbox } from "./sandbox.js";
import type { Provider } from "@subagent-mcp/contract";

/** A driver per provider (the built-in ones and every ACP agent), with the executables, the niceness and the sandbox `config` names. */
export function createDrivers(config: EffectiveConfig, sandbox: Sandbox = createSandbox(config)): Record<Provider, CliDriver> {
  const of = (provider: Provider): CliDriver => {
    const path = config.executables?.[provider];
    const handshake = config.handshake_timeout_s === undefined ? {} : { handshakeTimeoutMs: config.handshake_timeout_s * 1000 };
    const base = { ...handshake, nice: config.agent_nice ?? CONFIG_DEFAULTS.agent_nice, sandbox };
    return driverFor(provider, path === undefined ? base : { ...base, executable: path }, config.agents);
  };
  return Object.fromEntries(config.providerNames.map((provider) => [provider, of(provider)]));
}
