// Public API of @subagent-mcp/drivers: filled in as its features land.
export {};
