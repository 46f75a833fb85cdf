// What a server loads on first use (see index.ts): the supervisor and its drivers, the pool and the
// sub-agents' messaging endpoint (the agent-definition loader is @subagent-mcp/config/definitions).
export { auditTo, createSupervisor } from "./supervisor.js";
export { DEFAULT_RESET, PoolCatalog } from "./pool-catalog.js";
export { startChildEndpoint, type ChildEndpoint } from "./child-endpoint.js";
export { startNodeMessaging, type NodeMessaging } from "./node-messaging.js";
