import type { Sandbox } from "@subagent-mcp/sandbox";

/** Where and how to run an agent CLI; shared by every driver. */
export interface CliDriverOptions {
  /** Explicit executable; otherwise SUBAGENT_MCP_<PROVIDER>_PATH, then PATH. */
  executable?: string;
  /** Arguments placed before the CLI's own (e.g. a script path when the executable is node). */
  executableArgs?: string[];
  /** Base environment for every session; replaces process.env when `extendEnv` is false. */
  env?: Record<string, string>;
  extendEnv?: boolean;
  /** How long each step of a session's handshake may wait for the CLI's answer (ACP agents; default HANDSHAKE_TIMEOUT_MS). */
  handshakeTimeoutMs?: number;
  /** The CPU niceness every CLI of this driver runs at, 1-19 (0 or none: the server's own); see spawnCli. */
  nice?: number;
  /** The OS sandbox every CLI of this driver runs in (see @subagent-mcp/sandbox); none: as it is. */
  sandbox?: Sandbox;
  /** Throws when what this driver would run is not what the user trusted (a project's program edited since): called before each process. */
  verify?: () => void;
}
