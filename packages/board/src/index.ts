// Public API of @subagent-mcp/board: a team's task board (tasks with dependencies, claims, review),
// its pure reducer and queries, and the store that shares one board between processes of a machine.
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { BoardError, type BoardErrorCode } from "./errors.js";
export { applyOp } from "./board.js";
export { changes, claimable, emptyBoard, summary, type BoardChanges } from "./queries.js";
export { BoardAddInputSchema, type Board, type BoardOp, type BoardOptionsInput, type TaskInput, type Task } from "./schema.js";
export { openLocalBoard, type BoardStore } from "./local-store.js";
/** @public one operation of a store at a time, for a store kept elsewhere (@subagent-mcp/board-redis). */
export { serialized } from "./lock.js";
export type { Applied } from "./board.js";
export { appendBoardTurn, readBoardTurns, type BoardTurn } from "./turns.js";
export { allBoardTurns, boardNames, markBoardTasks } from "./member-turns.js";
/** @public the one reading of a journal entry, for a store kept elsewhere (@subagent-mcp/board-redis). */
export { foldLine } from "./journal.js";
