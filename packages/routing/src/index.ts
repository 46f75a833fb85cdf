// Public API of @subagent-mcp/routing: filled in as its features land.
export {};
