// Public API of @subagent-mcp/agents: agent definitions in Markdown with YAML frontmatter
// (compatible with Claude Code's .claude/agents), their loading and their system prompts.
export { loadAgentDefinitions } from "./load.js";
export { composeSystemPrompt } from "./compose.js";
export { definitionSources, type SearchContext } from "./dirs.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { AgentsError, type AgentsErrorCode } from "./errors.js";
