import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { appendBoardTurn, openLocalBoard } from "@subagent-mcp/board";
import type { DashboardState } from "@subagent-mcp/contract";
import { stateLayout } from "@subagent-mcp/state";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTeamBoard } from "./board-fixture.js";
import { openEvents, setup, type Setup } from "./helpers.js";

let s: Setup;
// Looking at mail and presence once a minute: what the test sees come sooner came from watching the boards.
beforeAll(async () => {
  s = await setup({}, 60_000);
});
afterAll(async () => {
  await s.close();
});

const statusIn = (st: DashboardState, board: string, key: string): string | undefined =>
  st.boards
    ?.find((b) => b.name === board)
    ?.columns.flatMap((c) => c.cards)
    .find((c) => c.key === key)?.status;

describe("the state's boards", () => {
  it("follow the boards folder: a board appearing, a task finished and a turn's cost each push a new state", async () => {
    const boards = stateLayout(s.stateDir).boards;
    const events = await openEvents(s.at("/api/events"));
    try {
      const first = await events.next();
      expect(first.boards).toBeUndefined();

      // A folder without options is a board being made: not opened (which would make the defaults its options).
      mkdirSync(join(boards, "half-made"), { recursive: true });

      const dir = await writeTeamBoard(boards, "team-a");
      const shown = await events.next((st) => st.boards?.[0]?.cost_usd === 1.05 && statusIn(st, "team-a", "render") === "claimed");
      expect(shown.boards?.map((b) => b.name)).toEqual(["team-a"]);

      const board = await openLocalBoard(dir);
      await board.apply({ type: "done", key: "render", member: "cy", result: "Rendered." });
      await board.close();
      const done = await events.next((st) => statusIn(st, "team-a", "render") === "done");
      expect(done.boards?.[0]?.all_done).toBe(false);

      await appendBoardTurn(dir, { at: new Date().toISOString(), board: "team-a", member: "cy", turn: 2, keys: ["render"], cost_usd: 1 });
      const costed = await events.next((st) => st.boards?.[0]?.cost_usd === 2.05);
      const render = costed.boards?.[0]?.columns.flatMap((c) => c.cards).find((c) => c.key === "render");
      expect(render).toMatchObject({ turns: 2, cost_usd: 1.25 });
    } finally {
      events.close();
    }
  });
});
