// Public API of @subagent-mcp/agents: agent definitions in Markdown with YAML frontmatter
// (compatible with Claude Code's .claude/agents), their loading and their system prompts.
export {
  AgentDefinitionSchema,
  DefinitionRulesSchema,
  DefinitionScopeSchema,
  FrontmatterSchema,
  IsolationSchema,
  LoadedDefinitionSchema,
  type AgentDefinition,
  type DefinitionRules,
  type DefinitionScope,
  type LoadedDefinition,
} from "./schema.js";
export { AgentsError, formatIssue, type AgentsErrorCode, type LoadIssue } from "./errors.js";
export { loadAgentDefinitions, type LoadResult } from "./load.js";
export { parseDefinition } from "./parse.js";
export { composeSystemPrompt, readExpertise, readSkill } from "./compose.js";
export { definitionDirs, definitionSources, expertiseDirs, projectDefinitionDirs, skillDirs, type DefinitionDir, type SearchContext } from "./dirs.js";
