import { ServerError } from "../errors.js";

/** Refuses to start sub-agents from a server already at the deepest level allowed. */
export function checkDepth(at: { depth: number; maxDepth: number }): void {
  if (at.depth >= at.maxDepth) {
    throw new ServerError(
      "NESTING_TOO_DEEP",
      `sub-agents may nest ${at.maxDepth} levels deep and this server is at depth ${at.depth}; do the work here instead of starting another agent`,
    );
  }
}
