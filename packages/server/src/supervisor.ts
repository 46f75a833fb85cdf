import { Supervisor, type Driver, type Provider } from "@subagent-mcp/core";
import { AcpDriver, ClaudeDriver, CodexDriver } from "@subagent-mcp/drivers";
import { classifyFailure } from "@subagent-mcp/routing";
import type { EffectiveConfig } from "./config.js";

/** The three real drivers, with the executables `config` names. */
export function createDrivers(config: EffectiveConfig): Record<Provider, Driver> {
  const exe = (path: string | undefined) => (path === undefined ? {} : { executable: path });
  return {
    claude: new ClaudeDriver(exe(config.executables?.claude)),
    codex: new CodexDriver(exe(config.executables?.codex)),
    gemini: new AcpDriver(exe(config.executables?.gemini)),
  };
}

/** A supervisor with the three real drivers, configured from `config`. */
export function createSupervisor(config: EffectiveConfig): Supervisor {
  return new Supervisor({
    drivers: createDrivers(config),
    ...(config.caps === undefined ? {} : { caps: config.caps }),
    ...(config.max_live === undefined ? {} : { maxLive: config.max_live }),
    stallMs: (config.stall_seconds ?? 600) * 1000,
    // Failover: a transient failure of the first turn moves the agent to its next candidate.
    isTransient: (message) => classifyFailure(message) === "transient",
  });
}
