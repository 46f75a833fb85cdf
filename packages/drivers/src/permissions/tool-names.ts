import type { Provider } from "@subagent-mcp/contract";

/** How each CLI names an MCP server's tool, in its allow-lists and to the model (Codex as Claude Code). */
export function mcpToolName(provider: Provider, server: string, tool: string): string {
  return provider === "gemini" ? `mcp_${server}_${tool}` : `mcp__${server}__${tool}`;
}
