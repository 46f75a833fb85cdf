// Public API of @subagent-mcp/board: a team's task board (tasks with dependencies, claims, review),
// its pure reducer and queries, and the store that shares one board between processes of a machine.
/** @public the package's error class and its codes, whoever imports them: what callers tell our errors apart by. */
export { BoardError, type BoardErrorCode } from "./errors.js";
export { applyOp, type Applied } from "./board.js";
export { changes, claimable, emptyBoard, summary, type BoardChanges, type BoardSummary } from "./queries.js";
export {
  BoardAddInputSchema,
  BoardOpSchema,
  BoardOptionsSchema,
  TaskInputSchema,
  type Board,
  type BoardOp,
  type BoardOptions,
  type BoardOptionsInput,
  type Task,
  type TaskInput,
  type TaskState,
  type TaskStatus,
} from "./schema.js";
export { openLocalBoard, type LocalBoard } from "./local-store.js";
