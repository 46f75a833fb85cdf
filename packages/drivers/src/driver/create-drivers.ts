import type { Provider } from "@subagent-mcp/contract";
import type { Sandbox } from "@subagent-mcp/sandbox";
import type { AcpAgent } from "../acp/acp-agent.js";
import { DEFAULT_AGENT_NICE } from "../process/agent-nice.js";
import type { CliDriver } from "./cli-driver.js";
import { driverFor } from "./driver-for.js";

/** What of the config the drivers are made from (an EffectiveConfig is one). */
export interface DriversConfig {
  /** Every provider to make a driver for: the built-in ones, then the ACP agents. */
  providerNames: readonly Provider[];
  /** Every ACP provider (the presets and the configured ones), by name. */
  agents: ReadonlyMap<Provider, AcpAgent>;
  /** Explicit CLI executables, over PATH. */
  executables?: Partial<Record<Provider, string>> | undefined;
  handshake_timeout_s?: number | undefined;
  /** The CLIs' niceness (default {@link DEFAULT_AGENT_NICE}). */
  agent_nice?: number | undefined;
  /** The providers that run files of a trusted project (the config's `trustedRuns`). */
  trustedRuns?: { files: Partial<Record<Provider, unknown>> } | undefined;
  /** Throws when a file `provider` runs is no longer the one the user trusted (the config's check of `trustedRuns`). */
  verifyRun?: ((provider: Provider) => void) | undefined;
}

/** A driver per provider (the built-in ones and every ACP agent), with the executables, the niceness and the sandbox `config` names, and the trusted project's files each one runs checked before each process. */
export function createDrivers(config: DriversConfig, sandbox: Sandbox): Record<Provider, CliDriver> {
  const { verifyRun } = config;
  const of = (provider: Provider): CliDriver => {
    const path = config.executables?.[provider];
    const handshake = config.handshake_timeout_s === undefined ? {} : { handshakeTimeoutMs: config.handshake_timeout_s * 1000 };
    // A provider that runs a file of the trusted project checks it before each of its processes.
    const verify =
      verifyRun === undefined || config.trustedRuns?.files[provider] === undefined
        ? {}
        : {
            verify: () => {
              verifyRun(provider);
            },
          };
    const base = { ...handshake, nice: config.agent_nice ?? DEFAULT_AGENT_NICE, sandbox, ...verify };
    return driverFor(provider, path === undefined ? base : { ...base, executable: path }, config.agents);
  };
  return Object.fromEntries(config.providerNames.map((provider) => [provider, of(provider)]));
}
