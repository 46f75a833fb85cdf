// What a server loads on first use (see index.ts): the supervisor and its drivers, the pool, the
// agent-definition loader and the sub-agents' messaging endpoint.
export { auditTo, createDrivers, createSupervisor } from "./supervisor.js";
export { DEFAULT_RESET, PoolCatalog } from "./pool-catalog.js";
export { agentDefinitionSource } from "./definitions.js";
export { startChildEndpoint, type ChildEndpoint } from "./child-endpoint.js";
export { startNodeMessaging, type NodeMessaging } from "./node-messaging.js";
