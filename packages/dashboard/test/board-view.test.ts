import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyOp, emptyBoard, openLocalBoard, readBoardTurns, type Board } from "@subagent-mcp/board";
import { BoardViewSchema, type BoardCard, type BoardView } from "@subagent-mcp/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boardView, RESULT_HEAD_CHARS } from "../src/boards/view.js";
import { T0, writeTeamBoard } from "./board-fixture.js";

let root: string;
let view: BoardView;
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();
const cardOf = (v: BoardView, key: string): BoardCard | undefined => v.columns.flatMap((c) => c.cards).find((c) => c.key === key);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "board-view-"));
  const dir = await writeTeamBoard(root, "config-work");
  view = boardView("config-work", await (await openLocalBoard(dir)).read(), await readBoardTurns(dir));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function ok(board: Board, op: unknown, now: number): Board {
  const applied = applyOp(board, op, now);
  if ("error" in applied) throw applied.error;
  return applied.board;
}

describe("a board as the page draws it", () => {
  it("is the state's shape, with one column per state in order, each card in the column of its state", () => {
    expect(BoardViewSchema.parse(view)).toEqual(view);
    expect(view.columns.map((c) => [c.status, c.cards.map((k) => k.key)])).toEqual([
      ["waiting", []],
      ["open", ["docs", "lint"]],
      ["claimed", ["render"]],
      ["in_review", []],
      ["done", ["parse"]],
      ["failed", []],
      ["cancelled", []],
    ]);
    expect(view).toMatchObject({ name: "config-work", total: 4, all_done: false, stuck: [] });
    expect(view.counts).toEqual({ waiting: 0, open: 2, claimed: 1, in_review: 0, done: 1, failed: 0, cancelled: 0 });
    expect(view.team).toEqual([
      { name: "ada", vendor: "claude" },
      { name: "bob", vendor: "codex" },
      { name: "cy", vendor: "gemini" },
    ]);
  });

  it("tells who holds a task and since when, and where each of its dependencies stands", () => {
    expect(cardOf(view, "render")).toMatchObject({ holder: "cy", since: at(5), seen_at: at(5), depends_on: [{ key: "parse", status: "done" }] });
    expect(cardOf(view, "parse")).toMatchObject({ holder: "ada", since: at(4), depends_on: [], tries: 0, max_tries: 3 });
  });

  it("tells a sent-back task's reasons and who sent it back, and counts the try", () => {
    const docs = cardOf(view, "docs");
    expect(docs).toMatchObject({ status: "open", tries: 1, sent_back: { by: "bob", reasons: ["the defaults are missing", "no example"] } });
    expect(docs?.holder).toBeUndefined();
    expect(docs?.result).toBeUndefined();
  });

  it("shows a done task's result and its receipt's line and review verdict", () => {
    expect(cardOf(view, "parse")).toMatchObject({
      result: "Parsed with zod; 12 new lines in src/parse.ts.",
      receipt: { line: "receipt: 3 tool calls, 1 file changed (+12 -3), tests passed; review by codex: approve", suspect: false, review: "approve" },
    });
  });

  it("costs the board and each task from the turns, a turn on two tasks shared between them", () => {
    expect(view).toMatchObject({ turns: 4, cost_usd: 1.05, unknown_cost_turns: 1 });
    expect(cardOf(view, "parse")).toMatchObject({ turns: 1, cost_usd: 0.5 });
    expect(cardOf(view, "docs")).toMatchObject({ turns: 2, cost_usd: 0.15 });
    expect(cardOf(view, "lint")).toMatchObject({ turns: 1, cost_usd: 0.15 });
    expect(cardOf(view, "render")).toMatchObject({ turns: 1, cost_usd: 0.25 });
  });

  it("marks a task waiting on a failed one as stuck, says why one failed, and clips a long result", () => {
    let b = ok(
      emptyBoard({ max_tries: 1 }),
      {
        type: "add",
        tasks: [
          { key: "a", title: "A" },
          { key: "b", title: "B", depends_on: ["a"] },
          { key: "c", title: "C" },
        ],
      },
      1,
    );
    b = ok(b, { type: "claim", key: "a", member: "m" }, 2);
    b = ok(b, { type: "fail", key: "a", member: "m", reason: "no network" }, 3);
    b = ok(b, { type: "claim", key: "c", member: "m" }, 4);
    b = ok(b, { type: "done", key: "c", member: "m", result: "x".repeat(1000), receipt: { not: "a receipt" } }, 5);
    const v = boardView("b", b, []);
    expect(v.stuck).toEqual(["b"]);
    expect(cardOf(v, "b")).toMatchObject({ status: "waiting", stuck: true, depends_on: [{ key: "a", status: "failed" }] });
    expect(cardOf(v, "a")).toMatchObject({ status: "failed", reason: "no network", since: new Date(3).toISOString() });
    const c = cardOf(v, "c");
    expect(c?.result).toHaveLength(RESULT_HEAD_CHARS + 1);
    expect(c?.result_chars).toBe(1000);
    // A receipt of a shape this version does not know shows none.
    expect(c?.receipt).toBeUndefined();
    expect(v).toMatchObject({ turns: 0, cost_usd: 0, unknown_cost_turns: 0 });
  });

  it("shows a task in review with its author and its reviewer", () => {
    let b = ok(emptyBoard({ review_default: true }), { type: "add", tasks: [{ key: "a", title: "A" }] }, 1);
    b = ok(b, { type: "claim", key: "a", member: "m1" }, 2);
    b = ok(b, { type: "done", key: "a", member: "m1", result: "done" }, 3);
    b = ok(b, { type: "claim", key: "a", member: "m2" }, 4);
    expect(cardOf(boardView("b", b, []), "a")).toMatchObject({ status: "in_review", holder: "m1", reviewer: "m2", result: "done" });
  });
});
