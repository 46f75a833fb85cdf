import { Supervisor, type Provider } from "@subagent-mcp/core";
import { driverFor, type CliDriver } from "@subagent-mcp/drivers";
import type { EffectiveConfig } from "./config.js";

/** The three real drivers, with the executables `config` names. */
export function createDrivers(config: EffectiveConfig): Record<Provider, CliDriver> {
  const of = (provider: Provider): CliDriver => {
    const path = config.executables?.[provider];
    return driverFor(provider, path === undefined ? {} : { executable: path });
  };
  return { claude: of("claude"), codex: of("codex"), gemini: of("gemini") };
}

/** A supervisor with the three real drivers, configured from `config`. */
export function createSupervisor(config: EffectiveConfig): Supervisor {
  return new Supervisor({
    drivers: createDrivers(config),
    ...(config.caps === undefined ? {} : { caps: config.caps }),
    ...(config.max_live === undefined ? {} : { maxLive: config.max_live }),
    stallMs: (config.stall_seconds ?? 600) * 1000,
    ...(config.permission_timeout_s === undefined ? {} : { permissionTimeoutMs: config.permission_timeout_s * 1000 }),
  });
}
