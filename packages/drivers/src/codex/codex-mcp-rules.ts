import type { PermissionRequest } from "@subagent-mcp/contract";

// Codex runs MCP tools without asking (every server's approval mode is set to approve, see
// codex.ts), so a deny or ask rule naming an MCP tool is enforced by Codex itself: the tool is
// disabled for the thread (`disabled_tools`), a whole server's rule disables the server. An ask
// rule disables too: Codex has no way to ask us about an MCP tool call.

const MCP_RULE = /^mcp__([\w-]+?)(?:__([\w-]+|\*))?$/;

/** Per-thread config keys that disable the MCP tools the rules name, for the servers that exist. */
export function mcpRuleOverrides(rules: { deny?: string[]; ask?: string[] } | undefined, servers: readonly string[]): Record<string, unknown> {
  const disabled = new Map<string, string[] | "server">();
  for (const rule of [...(rules?.deny ?? []), ...(rules?.ask ?? [])]) {
    const match = MCP_RULE.exec(rule.trim());
    const server = match?.[1];
    if (server === undefined || !servers.includes(server)) continue;
    const tool = match?.[2];
    const before = disabled.get(server);
    if (tool === undefined || tool === "*") disabled.set(server, "server");
    else if (before !== "server") disabled.set(server, [...(before ?? []), tool]);
  }
  const out: Record<string, unknown> = {};
  for (const [server, what] of disabled) {
    if (what === "server") out[`mcp_servers.${server}.enabled`] = false;
    else out[`mcp_servers.${server}.disabled_tools`] = what;
  }
  return out;
}

/**
 * The MCP tools a deny rule disables for the thread, as the requests a call of each would make:
 * asked of the rules' precheck once, so that the refusal is audited as any other (a call of a
 * disabled tool never reaches us). A whole server's rule is told as its `mcp__server__*`.
 */
export function mcpRuleRefusals(rules: { deny?: string[] } | undefined, servers: readonly string[]): PermissionRequest[] {
  return (rules?.deny ?? []).flatMap((rule) => {
    const match = MCP_RULE.exec(rule.trim());
    const server = match?.[1];
    if (server === undefined || !servers.includes(server)) return [];
    const tool = match?.[2] === undefined ? `mcp__${server}__*` : rule.trim();
    return [{ requestId: `disabled-${tool}`, tool, kind: "mcp" as const, input: {} }];
  });
}
