/** Our name in every host's MCP server list. */
export const SERVER_NAME = "subagent-mcp";

// Longest `wait` is 600 s; the host's tool timeout must be above it so a blocked wait is never cut.
export const TOOL_TIMEOUT_SEC = 660;

/** Where a host's files are found: the user's home and environment (CLAUDE_CONFIG_DIR, CODEX_HOME, ...). */
export interface HostContext {
  home: string;
  env: Record<string, string | undefined>;
  /** The operating system whose folders apply (default: this one's). */
  platform?: NodeJS.Platform;
}

/** How a host should start our server. */
export interface ServerLaunch {
  command: string;
  args: string[];
}

/**
 * Everything we know about one host's config files. Each `add` keeps the user's own content byte
 * for byte and is idempotent, each `remove` takes out exactly what `add` put in, and each `read`
 * tells what of ours the file holds. A file that does not parse, or holds our key's parent with
 * another type, is refused with a HostConfigError.
 */
export interface HostAdapter {
  /** The host's name for people ("Claude Desktop"). */
  label: string;
  /**
   * The command by which the host's CLI is found on PATH. A host without one (a desktop app) is
   * installed only when its config folders exist, and setup never creates them.
   */
  cli?: string;
  /** Folders that exist once the host is installed: how setup finds a host whose CLI is not on PATH. */
  configDirs(ctx: HostContext): string[];
  /** Our MCP server entry. */
  server: {
    /** The file where the host keeps its MCP servers. */
    path(ctx: HostContext): string;
    add(text: string, launch: ServerLaunch): string;
    remove(text: string): string;
    /** Our entry as the host will read it, or undefined when the file has none. */
    read(text: string): unknown;
  };
  /** Our orchestration-mode hooks, for a host that has hooks. */
  hooks?: {
    /** The file where the host keeps its hooks. */
    path(ctx: HostContext): string;
    /** `command` starts our CLI; `path` is the file being edited (Codex keys its trust entries by it). */
    add(text: string, command: string, path: string): string;
    remove(text: string): string;
    /** The events our hooks are installed on. */
    read(text: string): string[];
  };
  /** Why a host without `hooks` gets no orchestration hooks (setup says so; default: it has no hook system). */
  noHooks?: string;
  /** The instruction file `init` puts our managed block in, for a host that reads one. */
  instructions?: {
    /** Its name in a project root. */
    file: string;
    /** The user-level one (`init --global`). */
    global(ctx: HostContext): string;
  };
}
