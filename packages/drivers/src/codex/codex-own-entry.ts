import type { SessionSpec } from "@subagent-mcp/core";

// A server handed with a thread by the name of one of the user's takes its place. Codex merges a
// thread's entry into the user's table of that name (a URL over a command is refused), so the
// user's is switched off for the thread and ours goes by the name Codex shows tools under (`-` as
// `_`): the model sees the same tools (checked on Codex 0.163 and 0.169).

/** The user's entries a thread's handed server replaces, the keys that switch them off, and the names ours then go by. */
export interface Replaced {
  shadowed: string[];
  overrides: Record<string, boolean>;
  aliases: Map<string, string>;
}

/**
 * What `spec.ownEntry` replaces for `provider`: known from the server's reading of the user's config
 * (`ownEntry.in`), or from the entries Codex said it has (`configured`).
 */
export function replacedEntries(spec: SessionSpec, provider: string, configured?: readonly string[]): Replaced {
  const name = spec.ownEntry?.name;
  const present = configured === undefined ? spec.ownEntry?.in.includes(provider) === true : name !== undefined && configured.includes(name);
  const shadowed = name !== undefined && present ? [name] : [];
  const taken = (configured ?? []).filter((n) => !shadowed.includes(n));
  return {
    shadowed,
    overrides: Object.fromEntries(shadowed.map((n) => [`mcp_servers.${n}.enabled`, false])),
    aliases: new Map(shadowed.map((n) => [n, aliasOf(n, taken)])),
  };
}

function aliasOf(name: string, taken: readonly string[]): string {
  const shown = name.replace(/-/g, "_");
  if (shown !== name && !taken.includes(shown)) return shown;
  let n = 2;
  while (taken.includes(`${shown}_${String(n)}`)) n += 1;
  return `${shown}_${String(n)}`;
}
