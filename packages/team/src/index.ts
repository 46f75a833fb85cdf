// Public API of @subagent-mcp/team: a team working a task board. The hub follows the supervisor's
// agents and drives the boards; the tools are the orchestrator's and each member's.
export { TeamHub, type BoardSource } from "./hub.js";
export { registerTeamTools } from "./tools.js";
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { TeamError, type TeamErrorCode } from "./errors.js";
