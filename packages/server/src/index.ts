// Public API of @subagent-mcp/server: the MCP server (transport-free), its configuration, and the
// pieces the CLI needs to run it. `@subagent-mcp/server/light` is the same less what loads the
// drivers and the agent-definition parser (the supervisor, the definitions, the pool, the endpoint).
export * from "./light.js";
export { createDrivers, createSupervisor } from "./supervisor.js";
export { DEFAULT_RESET, PoolCatalog } from "./pool-catalog.js";
export { agentDefinitionSource } from "./definitions.js";
export { startChildEndpoint, type ChildEndpoint } from "./child-endpoint.js";
