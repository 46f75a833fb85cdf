// Public API of @subagent-mcp/server: filled in as its features land.
export {};
