// Public API of @subagent-mcp/hooks: filled in as its features land.
export {};
