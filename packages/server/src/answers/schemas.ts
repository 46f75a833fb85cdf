import { z } from "zod";
import { AgentStatusSchema, ProviderSchema } from "@subagent-mcp/contract";

// The pieces several tools' input schemas share (their results' are in @subagent-mcp/contract).

export const AgentIdSchema = z.string().min(1).describe("An agent id returned by launch_agent (list_agents shows them all).");
export const StatusSchema = AgentStatusSchema;
export { ProviderSchema };

// One zod object per tool shape, shared by every server we build (the host's, the rehearsal's, the
// dashboard's): zod compiles an object's parser on its first use, and the MCP SDK would make a new
// object of a raw shape for each server, so the host's first calls would compile them again.
const objects = new WeakMap<z.ZodRawShape, z.ZodObject>();

/** `z.object(shape)`, made once per shape. */
export function objectOf<S extends z.ZodRawShape>(shape: S): z.ZodObject<S> {
  const made = objects.get(shape) ?? z.object(shape);
  objects.set(shape, made);
  return made as z.ZodObject<S>;
}
