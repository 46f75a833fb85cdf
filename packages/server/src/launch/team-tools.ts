import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerTeamTools } from "@subagent-mcp/team";
import type { ToolDeps } from "../deps.js";
import { delegate, type CallContext } from "../tasks/serve.js";
import { launchAgent, type LaunchArgs } from "./launch.js";
import { gated } from "@subagent-mcp/core";

/** The board tools: a sub-agent's (`member`) beside its messaging tools; the orchestrator's, which launch members as launch_agent does. */
export function registerBoardTools(server: McpServer, tools: ToolDeps, role: "member" | "orchestrator", starts: boolean): void {
  if (tools.team === undefined) return;
  if (role === "member") {
    if (tools.launchedBy !== undefined) registerTeamTools(server, tools.team, { self: tools.launchedBy });
    return;
  }
  const launch = async (a: object, extra: unknown) => {
    // A member's launch is no task of its own: the host's task (if any) is launch_team's.
    const call = { ...(extra as object), _meta: undefined } as never;
    const s = (await gated(tools.gate, () => launchAgent(tools, a as LaunchArgs, call))).structuredContent as { agent_id: string; provider: string };
    return { id: s.agent_id, provider: s.provider };
  };
  // Members need their board tools on their messaging server: no launch_team without it.
  registerTeamTools(server, tools.team, {
    launch: starts && tools.childMailbox ? launch : undefined,
    asTask: (extra, id, status, work) => delegate(tools, extra as CallContext, id, status, () => work),
  });
}
