import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { TeamHub } from "./hub.js";
import type { LaunchMember } from "./launch-team.js";
import type { AsTask } from "./team-task.js";
import { registerMemberBoardTools } from "./member-tools.js";
import { registerOrchestratorBoardTools } from "./orchestrator-tools.js";

/**
 * The board tools of one server: a sub-agent's (`self`, with its messaging tools) work the board as
 * a member; the orchestrator's run it (and launch teams when given `launch`).
 */
export function registerTeamTools(server: McpServer, hub: TeamHub, role: { self: string } | { launch: LaunchMember | undefined; asTask?: AsTask }): void {
  if ("self" in role) registerMemberBoardTools(server, hub, role.self);
  else registerOrchestratorBoardTools(server, hub, role.launch, role.asTask);
}
