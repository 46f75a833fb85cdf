import { objectOf } from "../answers/schemas.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { guard, ok } from "../answers/result.js";

/** Reads and sets orchestration mode; kept by the CLI where the host's hooks can read it. */
export interface OrchestrationState {
  get(): boolean;
  set(enabled: boolean): void;
  /** What the mode applies to (this host session, or the project directory). */
  scope: string;
}

export const OrchestrationModeInput = {
  enabled: z.boolean().optional().describe("true to turn orchestration mode on, false to turn it off; omit to read it."),
};
export const OrchestrationModeOutput = { enabled: z.boolean(), scope: z.string() };

/** `orchestration_mode`: while on, the host's hooks keep the orchestrator delegating. */
export function registerOrchestrationModeTool(server: McpServer, deps: ToolDeps): void {
  const state = deps.orchestration;
  server.registerTool(
    "orchestration_mode",
    {
      title: "Orchestration mode",
      description:
        "Read or set orchestration mode for this session (or this project, where the host gives no session id). While it is on, the host's hooks remind you on every prompt to delegate with launch_agent / invoke, and block the host's built-in sub-agent tool in favour of launch_agent.",
      inputSchema: objectOf(OrchestrationModeInput),
      outputSchema: objectOf(OrchestrationModeOutput),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guard(() => {
        if (args.enabled !== undefined) state.set(args.enabled);
        const enabled = state.get();
        return ok({ enabled, scope: state.scope }, `Orchestration mode is ${enabled ? "on" : "off"} for ${state.scope}.`);
      }),
  );
}
