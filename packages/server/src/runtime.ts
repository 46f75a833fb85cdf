// What a server loads on first use (see index.ts): the supervisor and its drivers, the pool and the
// sub-agents' messaging endpoint, and what takes the place of a CLI's own entry of ours (the
// agent-definition loader is @subagent-mcp/agents/pool).
export { auditTo, createSupervisor } from "./launch/supervisor.js";
export { DEFAULT_RESET, PoolCatalog } from "./pool/pool-catalog.js";
export { startNodeMessaging, type NodeMessaging } from "./endpoints/node-messaging.js";
export { ownEntryFor } from "./launch/launch-steps.js";
