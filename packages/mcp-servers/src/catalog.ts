import type { McpServerSpec } from "@subagent-mcp/contract";

/** The hosts whose MCP servers we read, in the order a name is looked up when no host is preferred. */
export const MCP_HOSTS = ["claude", "codex", "gemini", "qwen", "opencode"] as const;
export type McpHost = (typeof MCP_HOSTS)[number];

/**
 * Where an entry is written: the user's own files (`user`), Claude Code's per-project entries in
 * the user's ~/.claude.json (`local`), or a file in the project (`project`: whoever wrote the
 * repository wrote it, so it is used only in a trusted project).
 */
export type McpScope = "local" | "project" | "user";

/** One of the user's MCP servers: its name, which host's config holds it, and how to start or reach it. */
export interface CatalogEntry {
  name: string;
  host: McpHost;
  scope: McpScope;
  /** The file it was read from. */
  file: string;
  spec: McpServerSpec;
}

/** Every server found, in precedence order, and why an entry or a file was left out (never thrown). */
export interface McpCatalog {
  servers: CatalogEntry[];
  problems: string[];
}

/** Where the files are: the user's home, the folder a sub-agent works in, and the environment `${VAR}` is read from. */
export interface LookupContext {
  home: string;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** Within one host, nearer scopes first: Claude Code's local entries beat its project's, which beat the user's. */
export const SCOPE_RANK: Record<McpScope, number> = { local: 0, project: 1, user: 2 };
