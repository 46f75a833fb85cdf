// Apart from the index: the drivers (and their protocol libraries) load only where a driver is made.
import { driverFor, type CliDriver } from "@subagent-mcp/drivers";
import type { EffectiveConfig } from "./config.js";
import type { Provider } from "@subagent-mcp/contract";

/** A driver per provider (the built-in ones and every ACP agent), with the executables `config` names. */
export function createDrivers(config: EffectiveConfig): Record<Provider, CliDriver> {
  const of = (provider: Provider): CliDriver => {
    const path = config.executables?.[provider];
    const handshake = config.handshake_timeout_s === undefined ? {} : { handshakeTimeoutMs: config.handshake_timeout_s * 1000 };
    return driverFor(provider, path === undefined ? handshake : { ...handshake, executable: path }, config.agents);
  };
  return Object.fromEntries(config.providerNames.map((provider) => [provider, of(provider)]));
}
