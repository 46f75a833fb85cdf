// What a server loads on first use (see index.ts): the supervisor and its drivers, the pool and the
// sub-agents' messaging endpoint (the agent-definition loader is @subagent-mcp/agents/pool).
export { auditTo, createSupervisor } from "./launch/supervisor.js";
export { DEFAULT_RESET, PoolCatalog } from "./pool/pool-catalog.js";
export { startNodeMessaging, type NodeMessaging } from "./endpoints/node-messaging.js";
