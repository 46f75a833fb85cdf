import type { AgentRecord, LaunchRequest } from "./agent.js";
import { RecentItems } from "./recent.js";
import { newSpending } from "../budget/spending.js";
import { initialState } from "./state.js";
import { TailBuffer } from "./tail.js";

/** A launched agent's record before anything has happened to it: queued, idle (warm) or about to start. */
export function newRecord(
  id: string,
  request: LaunchRequest,
  now: number,
  o: { queued: boolean; idle: boolean; tailChars: number | undefined; recentItems: number | undefined },
): AgentRecord {
  return {
    id,
    request,
    createdAt: now,
    // A resumed conversation counts on from the turns it had.
    state: { ...initialState(now, o.queued, o.idle), turns: request.priorTurns ?? 0 },
    session: undefined,
    backlog: [],
    asked: [],
    tail: new TailBuffer(o.tailChars),
    recent: new RecentItems(o.recentItems),
    unreported: [],
    unannounced: [],
    epoch: 0,
    firstTurn: request.prompt === undefined ? [] : [request.prompt],
    spending: newSpending(),
  };
}
