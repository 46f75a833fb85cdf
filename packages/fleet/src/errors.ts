import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link FleetError}. */
export type FleetErrorCode = "NO_KEY" | "BAD_SIGNATURE" | "UNKNOWN_MACHINE" | "NO_SLOT" | "REFUSED" | "NODE_LOST" | "NAME_TAKEN";

/**
 * The one error class of `@subagent-mcp/fleet`: no fleet key, a message whose signature does not
 * hold, a machine that is not live, a launch the node's ceiling refuses, a node that went away, a
 * node name another live process holds.
 */
export class FleetError extends CodedError<FleetErrorCode> {
  override readonly name = "FleetError";
}
