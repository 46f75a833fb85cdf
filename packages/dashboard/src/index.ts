// Public API of @subagent-mcp/dashboard: the live page on 127.0.0.1 and what it reads.
export {};
