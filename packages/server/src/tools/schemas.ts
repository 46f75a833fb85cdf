import { AgentStatusSchema, ProviderSchema } from "@subagent-mcp/core";
import { z } from "zod";

// The pieces several tools' input schemas share (their results' are in @subagent-mcp/contract).

export const AgentIdSchema = z.string().min(1).describe("An agent id returned by launch_agent (list_agents shows them all).");
export const StatusSchema = AgentStatusSchema;
export { ProviderSchema };
