// Apart from the config schema, so that what reads a default (the server at start-up) loads no parser.
import { DEFAULT_STALL_MS } from "@subagent-mcp/core";
import { DEFAULT_AGENT_NICE } from "@subagent-mcp/contract";
import type { Config } from "./config.js";

/**
 * The defaults of the settings the server, the worker and the supervisor read, written once (the
 * per-provider cap, the live bound and the stall window are the supervisor's own: `DEFAULT_CAP`,
 * `liveBound`, `DEFAULT_STALL_MS`, which the config gives in seconds; the niceness is the drivers').
 */
export const CONFIG_DEFAULTS = {
  /** Deepest nesting of servers under sub-agents. */
  max_depth: 2,
  /** Seconds without activity before a processing agent is called stalled. */
  stall_seconds: DEFAULT_STALL_MS / 1000,
  /** Seconds an idle agent keeps its CLI before it is hibernated. */
  idle_ttl_s: 600,
  /** The CPU niceness of agents' CLIs (the drivers' own default, see there why). */
  agent_nice: DEFAULT_AGENT_NICE,
} as const;

/** The config with each of {@link CONFIG_DEFAULTS} filled in where it sets none. */
export function withDefaults<C extends Config>(config: C): C & { [K in keyof typeof CONFIG_DEFAULTS]: number } {
  return {
    ...config,
    max_depth: config.max_depth ?? CONFIG_DEFAULTS.max_depth,
    stall_seconds: config.stall_seconds ?? CONFIG_DEFAULTS.stall_seconds,
    idle_ttl_s: config.idle_ttl_s ?? CONFIG_DEFAULTS.idle_ttl_s,
    agent_nice: config.agent_nice ?? CONFIG_DEFAULTS.agent_nice,
  };
}
