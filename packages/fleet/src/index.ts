// Public API of @subagent-mcp/fleet: machines that lend their agent CLIs through Redis Streams.
// A node runs launches addressed to it; an orchestrator's FleetClient places them and steers them
// through a Driver, so the supervisor treats a remote agent like a local one.
export { FleetClient, type RemoteLaunchOptions } from "./client.js";
export { FleetError, type FleetErrorCode } from "./errors.js";
export { startNode, type FleetNode, type NodeOptions } from "./node.js";
export { withinNodeCeiling, type NodeCeiling } from "./node-ceiling.js";
export type { NodeInfo } from "@subagent-mcp/contract";
export type { WorktreeAsk } from "./protocol.js";
export { HEARTBEAT_MS, LOST_AFTER_MS, OWNERS, liveNodes, place } from "./registry.js";
export { Signer } from "./sign.js";
export { commandStream, eventStream, leaseKey, STREAM_TTL_MS } from "./keys.js";
