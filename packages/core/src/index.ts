// Public API of @subagent-mcp/core: filled in as its features land.
export {};
