import { composeSystemPrompt, formatIssue, loadAgentDefinitions, type SearchContext } from "@subagent-mcp/agents";
import type { DefinitionSource, PoolDefinition } from "./pool-catalog.js";

/** Pool definitions from the agent files (project, user, SUBAGENT_MCP_AGENTS_PATH), read on each call. */
export function agentDefinitionSource(ctx: SearchContext): DefinitionSource {
  return () => {
    const loaded = loadAgentDefinitions(ctx);
    const problems = [...loaded.errors, ...loaded.warnings].map(formatIssue);
    const definitions: PoolDefinition[] = [];
    for (const d of loaded.definitions) {
      try {
        definitions.push({
          name: d.name,
          description: d.description,
          file: d.file,
          provider: d.provider,
          model: d.model,
          effort: d.effort,
          allowedTools: d.allowedTools,
          permissionMode: d.permissionMode,
          replicas: d.replicas,
          maxTurnsPerProcess: d.maxTurnsPerProcess,
          systemPrompt: composeSystemPrompt(d, ctx),
        });
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    return { definitions, problems };
  };
}
