// A server handed with a thread by the name of one of the user's takes its place. Codex merges a
// thread's entry into the user's table of that name (a URL over a command is refused), so the
// user's is switched off for the thread and ours goes by the name Codex shows tools under (`-` as
// `_`): the model sees the same tools (checked on Codex 0.163 and 0.169).

/** The names the `shadowed` handed servers go by beside the user's entries (`taken`). */
export function codexAliases(shadowed: readonly string[], taken: readonly string[]): Map<string, string> {
  return new Map(shadowed.map((name) => [name, aliasOf(name, taken)]));
}

/** The per-thread keys that switch the user's entries of those names off. */
export function switchedOff(shadowed: readonly string[]): Record<string, boolean> {
  return Object.fromEntries(shadowed.map((name) => [`mcp_servers.${name}.enabled`, false]));
}

function aliasOf(name: string, taken: readonly string[]): string {
  const shown = name.replace(/-/g, "_");
  if (shown !== name && !taken.includes(shown)) return shown;
  let n = 2;
  while (taken.includes(`${shown}_${String(n)}`)) n += 1;
  return `${shown}_${String(n)}`;
}
