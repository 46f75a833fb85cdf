import type { HostReading, LookupContext } from "./mcp/entries.js";
import type { HostContext, ServerLaunch } from "./host.js";
import type { PluginInstall } from "./plugin-record.js";

// What one host adapter (src/hosts/<host>.ts) says about its host, and what an editor's says.

/**
 * Everything we know about one host: where its files are and what of ours goes in them, how its
 * MCP servers are read, and its plugin record. Each `add` keeps the user's own content byte
 * for byte and is idempotent, each `remove` takes out exactly what `add` put in, and each `read`
 * tells what of ours the file holds. A file that does not parse, or holds our key's parent with
 * another type, is refused with a HostsError.
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
  /**
   * Reads the user's own MCP servers from the host's files into `reading` (each host's nearer scopes
   * first), for a host whose servers a sub-agent can be handed. A file or an entry that cannot be
   * used is a problem in the reading, never an exception.
   */
  mcpServers?(ctx: LookupContext, reading: HostReading): Promise<void>;
  /** Our plugin (or extension), for a host that installs us by a plugin command of its own. */
  plugin?: {
    /** Its install as the host recorded it (an enabled user-wide one first), or undefined when there is none. */
    find(ctx: HostContext): PluginInstall | undefined;
    /** Whether the plugin brings our orchestration hooks too. */
    shipsHooks: boolean;
  };
}

/** An editor whose project instruction file `init` writes on request (`--copilot`, `--cursor`). */
export interface EditorAdapter {
  /** Its instruction file, from a project root. */
  file: string;
  /** How our block sits in a file of its own format (default: the managed block, in Markdown). */
  format?: {
    /** Whether a file (at `path`) is of this format. */
    matches: (path: string) => boolean;
    upsert: (text: string, content: string) => string;
    remove: (text: string) => string;
  };
}
