import { EventEmitter } from "node:events";
import type * as BoardModule from "@subagent-mcp/board";

// Told once the hub has written a member's turn to its board's turns file (the last await of its
// turn end): each test file that ends turns mocks the board package with `withTurnSignal`, whose
// appendBoardTurn writes the line and then emits "turn" with it. Apart from the fakes so that the
// mock's factory imports nothing of the module it wraps.

export const turnsWritten = new EventEmitter();

/** The board package with an appendBoardTurn that tells `turnsWritten`. */
export function withTurnSignal(board: typeof BoardModule): typeof BoardModule {
  return {
    ...board,
    appendBoardTurn: async (...args) => {
      await board.appendBoardTurn(...args);
      turnsWritten.emit("turn", args[1]);
    },
  };
}
