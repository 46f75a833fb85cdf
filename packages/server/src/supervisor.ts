import { Supervisor } from "@subagent-mcp/core";
import { AcpDriver, ClaudeDriver, CodexDriver } from "@subagent-mcp/drivers";
import { classifyFailure } from "@subagent-mcp/routing";
import type { EffectiveConfig } from "./config.js";

/** A supervisor with the three real drivers, configured from `config`. */
export function createSupervisor(config: EffectiveConfig): Supervisor {
  const exe = (path: string | undefined) => (path === undefined ? {} : { executable: path });
  return new Supervisor({
    drivers: {
      claude: new ClaudeDriver(exe(config.executables?.claude)),
      codex: new CodexDriver(exe(config.executables?.codex)),
      gemini: new AcpDriver(exe(config.executables?.gemini)),
    },
    ...(config.caps === undefined ? {} : { caps: config.caps }),
    stallMs: (config.stall_seconds ?? 600) * 1000,
    // Failover: a transient failure of the first turn moves the agent to its next candidate.
    isTransient: (message) => classifyFailure(message) === "transient",
  });
}
