// Public API of @subagent-mcp/agents: filled in as its features land.
export {};
