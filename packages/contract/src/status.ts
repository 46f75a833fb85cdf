// The statuses of an agent's lifecycle, as every reader of a record names them (core's reducer
// moves an agent between them).
import { z } from "zod";

/** Lifecycle statuses of an agent (design.md, "Core model"). */
export const AgentStatusSchema = z.enum([
  "queued",
  "processing",
  "permission_requested",
  "stalled",
  "finished",
  "errored",
  "stopped",
  "hibernated",
  "budget_exceeded",
]);
export type AgentStatus = z.infer<typeof AgentStatusSchema>;
