// Apart from the index: the drivers (and their protocol libraries) load only where a driver is made.
import { driverFor, type CliDriver } from "@subagent-mcp/drivers";
import type { Sandbox } from "@subagent-mcp/sandbox";
import type { EffectiveConfig } from "./config.js";
import { CONFIG_DEFAULTS } from "./defaults.js";
import { createSandbox } from "./sandbox.js";
import { TrustedRunsWatch } from "./trusted-runs.js";
import type { Provider } from "@subagent-mcp/contract";

/** A driver per provider (the built-in ones and every ACP agent), with the executables, the niceness and the sandbox `config` names, and the trusted project's files each one runs checked before each process. */
export function createDrivers(config: EffectiveConfig, sandbox: Sandbox = createSandbox(config)): Record<Provider, CliDriver> {
  const watch = config.trustedRuns === undefined ? undefined : new TrustedRunsWatch(config.trustedRuns);
  const of = (provider: Provider): CliDriver => {
    const path = config.executables?.[provider];
    const handshake = config.handshake_timeout_s === undefined ? {} : { handshakeTimeoutMs: config.handshake_timeout_s * 1000 };
    // A provider that runs a file of the trusted project checks it before each of its processes.
    const verify =
      watch === undefined || config.trustedRuns?.files[provider] === undefined
        ? {}
        : {
            verify: () => {
              watch.verify(provider);
            },
          };
    const base = { ...handshake, nice: config.agent_nice ?? CONFIG_DEFAULTS.agent_nice, sandbox, ...verify };
    return driverFor(provider, path === undefined ? base : { ...base, executable: path }, config.agents);
  };
  return Object.fromEntries(config.providerNames.map((provider) => [provider, of(provider)]));
}
