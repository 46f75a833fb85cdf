// `/api/timeline`: the agent tree's timeline read from the journal, its turns priced like the usage table;
// a team board member's turns carry the board tasks they worked on.
import { markBoardTasks } from "@subagent-mcp/board";
import { agentTree, JournalError } from "@subagent-mcp/journal";
import { recordedCost, type PriceTable } from "@subagent-mcp/usage";
import type { Timeline } from "@subagent-mcp/contract";
import { stateLayout } from "@subagent-mcp/state";
import { DashboardError } from "./errors.js";
import { definedFields } from "@subagent-mcp/contract";

/** The tree under `root`, or the roots of the project's recent agents. Throws BAD_REQUEST or NOT_FOUND for a root that is not an agent's. */
export function timelineOf(stateDir: string, project: string, prices: PriceTable, root: string | undefined): Timeline {
  try {
    const rows = agentTree(stateLayout(stateDir).agents, {
      ...(root === undefined ? { project } : { root }),
      price: (turn) => recordedCost(turn, prices),
    });
    markBoardTasks(rows, stateLayout(stateDir).boards);
    return { ...definedFields({ root }), generated_at: new Date().toISOString(), rows } satisfies Timeline;
  } catch (error) {
    if (error instanceof JournalError && error.code === "BAD_ID") throw new DashboardError("BAD_REQUEST", error.message);
    if (error instanceof JournalError && error.code === "NOT_FOUND") throw new DashboardError("NOT_FOUND", `no agent ${root ?? ""} in the journal`);
    throw error;
  }
}
