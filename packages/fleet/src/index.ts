// Public API of @subagent-mcp/fleet: machines that lend their agent CLIs through Redis Streams.
// A node runs launches addressed to it; an orchestrator's FleetClient places them and steers them
// through a Driver, so the supervisor treats a remote agent like a local one.
export { FleetClient } from "./client/client.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { FleetError, type FleetErrorCode } from "./errors.js";
export { startNode, type FleetNode } from "./node/node.js";
export type { NodeInfo } from "@subagent-mcp/contract";
export { HEARTBEAT_MS, LOST_AFTER_MS, OWNERS, liveNodes, place } from "./redis/registry.js";
export { Signer } from "./protocol/sign.js";
export { stopOnFleet } from "./client/user-stop.js";
export { commandStream, eventStream, leaseKey, STREAM_TTL_MS } from "./redis/keys.js";
