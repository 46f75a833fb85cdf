// Which agents of the journal a server may see: a nested server only those of its own lineage.

/**
 * Whether an agent journaled with `agent` (the lineage its launching server had) is visible to a
 * server whose lineage is `server`: always for a top-level server (undefined), else only when the
 * agent's lineage starts with the server's (the server's own agents and everything below them).
 */
export function inLineage(server: readonly string[] | undefined, agent: readonly string[] | undefined): boolean {
  if (server === undefined) return true;
  if (agent === undefined || agent.length < server.length) return false;
  return server.every((id, i) => agent[i] === id);
}
