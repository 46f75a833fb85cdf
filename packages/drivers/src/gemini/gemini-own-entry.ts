import type { SessionSpec } from "@subagent-mcp/core";

// Gemini CLI starts the servers of its settings when its process starts, before any session: a
// server handed in `session/new` by the same name as the user's entry of ours replaces it in the
// session, but only after the user's has been started. So ours goes by the name Gemini shows tools
// under with `_` for `-`, and the process is given an allow-list of server names that leaves the
// user's entry of ours out (and keeps their other servers).

/** The name a server handed in place of the user's entry `name` goes by. */
export function geminiAlias(name: string): string {
  const shown = name.replace(/-/g, "_");
  return shown === name ? `${name}_session` : shown;
}

/** What a handed server of `name` is called in `session/new`. */
export function geminiServerName(spec: SessionSpec, name: string): string {
  return spec.ownEntry?.name === name ? geminiAlias(name) : name;
}

/** The allow-list that keeps the user's entry of ours from starting: every other server by name, ours by its alias. */
export function geminiOwnEntryArgs(spec: SessionSpec): string[] {
  const own = spec.ownEntry;
  if (own === undefined) return [];
  const handed = (spec.mcpServers ?? []).map((s) => geminiServerName(spec, s.name));
  const names = [...new Set([...handed, ...own.others.filter((n) => n !== own.name)])];
  return ["--allowed-mcp-server-names", names.join(",")];
}

/** Allowed tools as the session names them: the handed server's under its alias. */
export function geminiToolNames(spec: SessionSpec, tools: readonly string[]): string[] {
  const own = spec.ownEntry;
  if (own === undefined) return [...tools];
  const from = `mcp_${own.name}_`;
  const to = `mcp_${geminiAlias(own.name)}_`;
  return tools.map((t) => (t.startsWith(from) ? `${to}${t.slice(from.length)}` : t));
}
