import { mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { allBoardTurns, appendBoardTurn, boardNames, markBoardTasks } from "../src/index.js";

// The boards' turns read at once, and an agent tree's turns marked with the tasks they worked on.

const boards = mkdtempSync(join(tmpdir(), "boards-"));
afterAll(() => {
  rmSync(boards, { recursive: true, force: true });
});

const turn = (board: string, member: string, n: number, keys: string[]) => ({ at: "2026-01-01T10:00:00Z", board, member, turn: n, keys, outcome: "done" });

describe("board turns", () => {
  it("lists the board folders, reads each one's turns, counts lines that do not parse", async () => {
    for (const b of ["team", "other", "quiet"]) mkdirSync(join(boards, b));
    writeFileSync(join(boards, "not-a-board.txt"), "");
    await appendBoardTurn(join(boards, "team"), turn("team", "a1", 1, ["api"]));
    await appendBoardTurn(join(boards, "team"), turn("team", "a1", 2, ["api", "tests"]));
    appendFileSync(join(boards, "team", "turns.jsonl"), '{"at":"cut');
    await appendBoardTurn(join(boards, "other"), turn("other", "a1", 2, ["lint"]));
    expect(boardNames(boards)).toEqual(["other", "quiet", "team"]);
    expect(boardNames(join(boards, "none"))).toEqual([]);
    const all = allBoardTurns(boards);
    expect(all.map((b) => [b.board, b.turns.length, b.skipped])).toEqual([
      ["other", 1, 0],
      ["quiet", 0, 0],
      ["team", 2, 1],
    ]);
    expect(allBoardTurns(boards, "team").map((b) => b.board)).toEqual(["team"]);
    // Only a listed board's folder is read: a name is never a path.
    expect(allBoardTurns(boards, "../team")).toEqual([]);
  });

  it("marks each member's turn with its tasks on every board it worked on; other turns and agents are left as they are", () => {
    const rows: { agent_id: string; turns: { turn: number; tasks?: { board: string; keys: string[] }[] }[] }[] = [
      { agent_id: "a1", turns: [{ turn: 1 }, { turn: 2 }, { turn: 3 }] },
      { agent_id: "z9", turns: [{ turn: 1 }] },
    ];
    markBoardTasks(rows, boards);
    expect(rows).toEqual([
      {
        agent_id: "a1",
        turns: [
          { turn: 1, tasks: [{ board: "team", keys: ["api"] }] },
          {
            turn: 2,
            tasks: [
              { board: "other", keys: ["lint"] },
              { board: "team", keys: ["api", "tests"] },
            ],
          },
          { turn: 3 },
        ],
      },
      { agent_id: "z9", turns: [{ turn: 1 }] },
    ]);
  });
});
