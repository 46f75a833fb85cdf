// The config keys a SUBAGENT_MCP_* variable sets over both config files: the config reads them from
// this table, and a host that hands our server only the variables its entry names (Codex) is given
// these names from it, so that a setting cannot be read in one place and dropped in the other.

/** A whole-number key set by a variable: its name and the least value it takes (and the most, where there is one). */
export interface EnvSetting {
  variable: string;
  min: number;
  max?: number;
}

export const ENV_SETTINGS = {
  /** SUBAGENT_MCP_STALL_SECONDS sets `stall_seconds` over both config files (seconds without output before an agent is stalled). */
  stall_seconds: { variable: "SUBAGENT_MCP_STALL_SECONDS", min: 1 },
  /** SUBAGENT_MCP_MAX_DEPTH sets `max_depth` over both config files (the deepest chain of nested servers). */
  max_depth: { variable: "SUBAGENT_MCP_MAX_DEPTH", min: 0 },
  /** SUBAGENT_MCP_MAX_LIVE sets `max_live` over both config files (live CLI processes kept per provider). */
  max_live: { variable: "SUBAGENT_MCP_MAX_LIVE", min: 1 },
  /** SUBAGENT_MCP_PERMISSION_TIMEOUT_S sets `permission_timeout_s` over both config files (an unanswered permission request is denied after it). */
  permission_timeout_s: { variable: "SUBAGENT_MCP_PERMISSION_TIMEOUT_S", min: 1 },
  /** SUBAGENT_MCP_HANDSHAKE_TIMEOUT_S sets `handshake_timeout_s` over both config files (an ACP agent's handshake step is bounded by it). */
  handshake_timeout_s: { variable: "SUBAGENT_MCP_HANDSHAKE_TIMEOUT_S", min: 1 },
  /** SUBAGENT_MCP_AGENT_NICE sets `agent_nice` over both config files (the CPU niceness of agents' CLIs, 0-19). */
  agent_nice: { variable: "SUBAGENT_MCP_AGENT_NICE", min: 0, max: 19 },
  /** SUBAGENT_MCP_IDLE_TTL_S sets `idle_ttl_s` over both config files (an agent idle this long is hibernated, 0 for never). */
  idle_ttl_s: { variable: "SUBAGENT_MCP_IDLE_TTL_S", min: 0 },
  /** SUBAGENT_MCP_JOURNAL_RETENTION_DAYS sets `journal_retention_days` over both config files (older journals are deleted, 0 for never). */
  journal_retention_days: { variable: "SUBAGENT_MCP_JOURNAL_RETENTION_DAYS", min: 0 },
} as const satisfies Record<string, EnvSetting>;
