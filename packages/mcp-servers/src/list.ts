import { SCOPE_RANK, type LookupContext, type McpCatalog } from "./catalog.js";
import { readClaude } from "./hosts/claude.js";
import { readCodex } from "./hosts/codex.js";
import { readOpencode } from "./hosts/opencode.js";
import { readSettings } from "./hosts/settings.js";

/**
 * The user's MCP servers from every host's config (Claude Code, Codex, Gemini CLI, Qwen Code,
 * OpenCode, in that order), each host's nearer scopes first. A file that does not parse, or an
 * entry that cannot be handed to a sub-agent, is a problem in the list, never an exception.
 */
export async function listMcpServers(ctx: LookupContext): Promise<McpCatalog> {
  const readings = await Promise.all([readClaude(ctx), readCodex(ctx), readSettings("gemini", ctx), readSettings("qwen", ctx), readOpencode(ctx)]);
  return {
    // sort is stable: within a scope, entries keep their file's order.
    servers: readings.flatMap((reading) => [...reading.servers].sort((a, b) => SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope])),
    problems: readings.flatMap((reading) => reading.problems),
  };
}
