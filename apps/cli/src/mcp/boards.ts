import { join } from "node:path";
import type { BoardSource } from "@subagent-mcp/team";
import { stateLayout } from "@subagent-mcp/state";

/**
 * The team boards of this machine: one folder each in the state folder, shared by every server and
 * process of the user (their claims are atomic across processes), loaded with the first board call.
 */
export function boardSource(stateDir: string): BoardSource {
  const root = stateLayout(stateDir).boards;
  return {
    dir: (name) => join(root, name),
    open: async (name, options) => {
      const { openLocalBoard } = await import("@subagent-mcp/board");
      return openLocalBoard(join(root, name), options === undefined ? {} : { options });
    },
  };
}
