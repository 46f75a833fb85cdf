// Public API of @subagent-mcp/board-redis: a team's task board in Redis, behind the BoardStore
// interface of @subagent-mcp/board, for the members of a team on several machines.
export { openRedisBoard, redisBoardExists } from "./redis-store.js";
/** @public what `openRedisBoard` takes besides the connection and the name, for callers that keep it in a variable. */
export type { RedisBoardSettings } from "./redis-store.js";
