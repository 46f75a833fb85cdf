import { describe, expect, it } from "vitest";
import {
  applyOp,
  BoardAddInputSchema,
  BoardError,
  changes,
  claimable,
  emptyBoard,
  summary,
  type Board,
  type BoardOptionsInput,
  type TaskInput,
} from "../src/index.js";

// The reducer alone: every rule of the board, one operation at a time, with a clock passed in.

function ok(board: Board, op: unknown, now = 1000): Board {
  const r = applyOp(board, op, now);
  if ("error" in r) throw r.error;
  return r.board;
}

function refused(board: Board, op: unknown, now = 1000): BoardError {
  const r = applyOp(board, op, now);
  if (!("error" in r)) throw new Error(`expected a refusal of ${JSON.stringify(op)}`);
  expect(r.error).toBeInstanceOf(BoardError);
  return r.error;
}

const status = (board: Board, key: string): string | undefined => board.tasks.find((t) => t.key === key)?.state.status;
const t = (key: string, depends_on?: string[], more: Partial<TaskInput> = {}): TaskInput => ({
  key,
  title: `do ${key}`,
  ...(depends_on ? { depends_on } : {}),
  ...more,
});
const boardWith = (tasks: TaskInput[], options: BoardOptionsInput = {}): Board => ok(emptyBoard(options), { type: "add", tasks });

describe("adding tasks", () => {
  it("opens tasks with no dependency and keeps the rest waiting, dependencies in the same add or already on the board", () => {
    let b = boardWith([t("a"), t("b", ["a"])]);
    b = ok(b, { type: "add", tasks: [t("c", ["a", "b"])] });
    expect(b.tasks.map((x) => [x.key, x.state.status])).toEqual([
      ["a", "open"],
      ["b", "waiting"],
      ["c", "waiting"],
    ]);
  });

  it("refuses the whole add for one bad task, and names a cycle's keys", () => {
    const b = boardWith([t("a")]);
    expect(refused(b, { type: "add", tasks: [t("x"), t("a")] }).code).toBe("DUPLICATE_KEY");
    expect(refused(b, { type: "add", tasks: [t("x"), t("x")] }).code).toBe("DUPLICATE_KEY");
    expect(refused(b, { type: "add", tasks: [t("x"), t("y", ["nope"])] }).message).toContain('"nope"');
    const cycle = refused(b, { type: "add", tasks: [t("x", ["z"]), t("y", ["x", "a"]), t("z", ["y"])] });
    expect(cycle.code).toBe("DEPENDENCY_CYCLE");
    expect(cycle.message).toContain("x -> z -> y -> x");
    expect(refused(b, { type: "add", tasks: [t("self", ["self"])] }).code).toBe("DEPENDENCY_CYCLE");
    expect(refused(b, { type: "add", tasks: [{ key: "-bad", title: "x" }] }).code).toBe("BAD_INPUT");
    expect(refused(b, { type: "add", tasks: [{ key: "k", title: "x".repeat(201) }] }).code).toBe("BAD_INPUT");
    expect(refused(b, { type: "add", tasks: [] }).code).toBe("BAD_INPUT");
  });

  it("holds the board to max_tasks", () => {
    const b = boardWith([t("a"), t("b")], { max_tasks: 3 });
    const e = refused(b, { type: "add", tasks: [t("c"), t("d")] });
    expect(e.code).toBe("TOO_MANY_TASKS");
    expect(ok(b, { type: "add", tasks: [t("c")] }).tasks).toHaveLength(3);
  });

  it("board_add's input takes 1 to 1000 tasks, each held to its limits", () => {
    expect(BoardAddInputSchema.safeParse({ tasks: Array.from({ length: 1000 }, (_, i) => t(`k${i}`)) }).success).toBe(true);
    expect(BoardAddInputSchema.safeParse({ tasks: Array.from({ length: 1001 }, (_, i) => t(`k${i}`)) }).success).toBe(false);
    expect(
      BoardAddInputSchema.safeParse({
        tasks: [
          t(
            "a",
            Array.from({ length: 51 }, (_, i) => `d${i}`),
          ),
        ],
      }).success,
    ).toBe(false);
    expect(BoardAddInputSchema.safeParse({ tasks: [{ ...t("a"), detail: "x".repeat(20_001) }] }).success).toBe(false);
    expect(BoardAddInputSchema.safeParse({ tasks: [{ ...t("a"), extra: 1 }] }).success).toBe(false);
  });

  it("checks a long chain without overflowing", () => {
    const tasks = Array.from({ length: 1000 }, (_, i) => t(`k${i}`, i === 0 ? undefined : [`k${i - 1}`]));
    expect(boardWith(tasks).tasks).toHaveLength(1000);
  });
});

describe("claiming", () => {
  it("claims open tasks only, and says why not: waiting on which, claimed by whom, done", () => {
    let b = boardWith([t("a"), t("b", ["a"])]);
    expect(refused(b, { type: "claim", key: "b", member: "m1" }).message).toContain("waiting on a");
    b = ok(b, { type: "claim", key: "a", member: "m1" });
    const taken = refused(b, { type: "claim", key: "a", member: "m2" });
    expect([taken.code, taken.message]).toEqual(["NOT_CLAIMABLE", 'task "a" cannot be claimed: it is claimed by m1']);
    b = ok(b, { type: "done", key: "a", member: "m1", result: "did a" });
    expect(refused(b, { type: "claim", key: "a", member: "m2" }).message).toContain("it is done");
    expect(refused(b, { type: "claim", key: "zz", member: "m2" }).code).toBe("UNKNOWN_KEY");
  });

  it("keeps an assigned task for its assignee, and the board for its members", () => {
    const b = boardWith([t("a", undefined, { assignee: "codex-1" }), t("b")], { members: ["codex-1", "claude-1"] });
    expect(refused(b, { type: "claim", key: "a", member: "claude-1" }).message).toContain("assigned to codex-1");
    expect(refused(b, { type: "claim", key: "b", member: "stranger" }).code).toBe("NOT_MEMBER");
    expect(claimable(b, "claude-1").map((x) => x.key)).toEqual(["b"]);
    expect(claimable(b, "codex-1").map((x) => x.key)).toEqual(["a", "b"]);
    expect(claimable(b, "stranger")).toEqual([]);
    expect(status(ok(b, { type: "claim", key: "a", member: "codex-1" }), "a")).toBe("claimed");
  });
});

describe("finishing", () => {
  it("done by the claimer only, and dependents whose dependencies are all done open", () => {
    let b = boardWith([t("a"), t("b"), t("c", ["a", "b"])]);
    b = ok(b, { type: "claim", key: "a", member: "m1" });
    expect(refused(b, { type: "done", key: "a", member: "m2", result: "x" }).code).toBe("NOT_CLAIMER");
    expect(refused(b, { type: "done", key: "b", member: "m1", result: "x" }).code).toBe("NOT_CLAIMER");
    b = ok(b, { type: "done", key: "a", member: "m1", result: "did a", receipt: { files: 2 } }, 2000);
    expect(b.tasks[0]?.state).toEqual({ status: "done", by: "m1", result: "did a", receipt: { files: 2 }, at: 2000 });
    expect(status(b, "c")).toBe("waiting");
    b = ok(ok(b, { type: "claim", key: "b", member: "m2" }), { type: "done", key: "b", member: "m2", result: "did b" });
    expect(status(b, "c")).toBe("open");
    expect(summary(b)).toMatchObject({ total: 3, all_done: false, counts: { done: 2, open: 1 } });
  });

  it("a suspect receipt sends the task back with its evidence, and fails it after max_tries", () => {
    let b = boardWith([t("a")], { max_tries: 2 });
    b = ok(b, { type: "claim", key: "a", member: "m1" });
    b = ok(b, { type: "done", key: "a", member: "m1", result: "tests pass", suspect: ["no test command ran"] });
    expect(b.tasks[0]).toMatchObject({ tries: 1, sent_back: { reasons: ["no test command ran"], by: "receipt" }, state: { status: "open" } });
    expect(claimable(b, "m2")[0]?.sent_back?.reasons).toEqual(["no test command ran"]);
    b = ok(b, { type: "claim", key: "a", member: "m2" });
    b = ok(b, { type: "done", key: "a", member: "m2", result: "tests pass", suspect: ["exit 1"] }, 5000);
    expect(b.tasks[0]?.state).toMatchObject({ status: "failed", at: 5000 });
    expect(b.tasks[0]?.tries).toBe(2);
  });

  it("fail by the claimer fails the task; its dependents are stuck", () => {
    let b = boardWith([t("a"), t("b", ["a"])]);
    b = ok(b, { type: "claim", key: "a", member: "m1" });
    b = ok(b, { type: "fail", key: "a", member: "m1", reason: "the API does not exist" });
    expect(b.tasks[0]?.state).toEqual({ status: "failed", reason: "the API does not exist", at: 1000 });
    expect(summary(b).stuck).toEqual(["b"]);
  });

  it("refuses a result past max_result_chars", () => {
    let b = boardWith([t("a")], { max_result_chars: 10 });
    b = ok(b, { type: "claim", key: "a", member: "m1" });
    expect(refused(b, { type: "done", key: "a", member: "m1", result: "x".repeat(11) }).code).toBe("RESULT_TOO_LARGE");
    expect(refused(b, { type: "done", key: "a", member: "m1", result: "x", receipt: { long: "y".repeat(20) } }).code).toBe("RESULT_TOO_LARGE");
    expect(status(ok(b, { type: "done", key: "a", member: "m1", result: "x".repeat(10) }), "a")).toBe("done");
  });
});

describe("review", () => {
  const finished = (options: BoardOptionsInput = { review_default: true }): Board => {
    let b = boardWith([t("a"), t("b", ["a"])], options);
    b = ok(b, { type: "claim", key: "a", member: "claude-1" });
    return ok(b, { type: "done", key: "a", member: "claude-1", result: "did a" });
  };

  it("goes to review by default or per task, and approval by another member makes it done", () => {
    let b = finished();
    expect(status(b, "a")).toBe("in_review");
    expect(status(b, "b")).toBe("waiting");
    expect(claimable(b, "claude-1").map((x) => x.key)).toEqual([]);
    expect(claimable(b, "codex-1").map((x) => x.key)).toEqual(["a"]);
    b = ok(b, { type: "claim", key: "a", member: "codex-1" });
    expect(refused(b, { type: "claim", key: "a", member: "gemini-1" }).message).toContain("in review by codex-1");
    expect(refused(b, { type: "review", key: "a", reviewer: "gemini-1", verdict: "approve", reasons: [] }).code).toBe("NOT_CLAIMER");
    b = ok(b, { type: "review", key: "a", reviewer: "codex-1", verdict: "approve", reasons: [] }, 3000);
    expect(b.tasks[0]?.state).toEqual({ status: "done", by: "claude-1", result: "did a", at: 3000 });
    expect(status(b, "b")).toBe("open");
    const perTask = ok(ok(boardWith([t("a", undefined, { review: true })]), { type: "claim", key: "a", member: "m" }), {
      type: "done",
      key: "a",
      member: "m",
      result: "r",
    });
    expect(status(perTask, "a")).toBe("in_review");
  });

  it("the author cannot review its own work", () => {
    const b = finished();
    expect(refused(b, { type: "review", key: "a", reviewer: "claude-1", verdict: "approve", reasons: [] }).code).toBe("SELF_REVIEW");
    expect(refused(b, { type: "claim", key: "a", member: "claude-1" }).message).toContain("its author cannot review it");
    expect(refused(b, { type: "review", key: "b", reviewer: "codex-1", verdict: "approve", reasons: [] }).code).toBe("NOT_IN_REVIEW");
  });

  it("changes requested send it back with the reasons, which the next claimer sees", () => {
    let b = finished();
    expect(refused(b, { type: "review", key: "a", reviewer: "codex-1", verdict: "changes_requested", reasons: [] }).code).toBe("BAD_INPUT");
    b = ok(b, { type: "review", key: "a", reviewer: "codex-1", verdict: "changes_requested", reasons: ["the error path is untested"] });
    const next = claimable(b, "gemini-1")[0];
    expect(next).toMatchObject({ key: "a", tries: 1, sent_back: { reasons: ["the error path is untested"], by: "codex-1" } });
  });
});

describe("releasing and cancelling", () => {
  it("releases claims not seen for claim_timeout_ms; a heartbeat keeps them", () => {
    let b = boardWith([t("a"), t("b")], { claim_timeout_ms: 100 });
    b = ok(b, { type: "claim", key: "a", member: "m1" }, 1000);
    b = ok(b, { type: "claim", key: "b", member: "m2" }, 1000);
    b = ok(b, { type: "heartbeat", member: "m2" }, 1090);
    expect(ok(b, { type: "release" }, 1100)).toBe(b); // nothing is past its timeout yet
    b = ok(b, { type: "release" }, 1150);
    expect(b.tasks[0]).toMatchObject({ state: { status: "open" }, tries: 1, sent_back: { by: "m1" } });
    expect(status(b, "b")).toBe("claimed");
    expect(b.tasks[0]?.sent_back?.reasons[0]).toContain("m1 stopped answering");
  });

  it("releases the claims and reviews of a member that ended", () => {
    let b = boardWith([t("a"), t("b")], { review_default: true });
    b = ok(ok(b, { type: "claim", key: "a", member: "m1" }), { type: "done", key: "a", member: "m1", result: "r" });
    b = ok(b, { type: "claim", key: "a", member: "m2" });
    b = ok(b, { type: "claim", key: "b", member: "m2" });
    b = ok(b, { type: "release_member", member: "m2" });
    expect(b.tasks.map((x) => x.state)).toEqual([{ status: "in_review", by: "m1", result: "r", at: 1000 }, { status: "open" }]);
    expect(b.tasks[1]?.tries).toBe(1);
  });

  it("cancels the named tasks or all that are not done, refusing unknown keys", () => {
    let b = boardWith([t("a"), t("b"), t("c")]);
    b = ok(ok(b, { type: "claim", key: "a", member: "m1" }), { type: "done", key: "a", member: "m1", result: "r" });
    expect(refused(b, { type: "cancel", keys: ["b", "nope"] }).code).toBe("UNKNOWN_KEY");
    const one = ok(b, { type: "cancel", keys: ["b"] });
    expect(one.tasks.map((x) => x.state.status)).toEqual(["done", "cancelled", "open"]);
    const all = ok(one, { type: "cancel" });
    expect(all.tasks.map((x) => x.state.status)).toEqual(["done", "cancelled", "cancelled"]);
    expect(summary(all).all_done).toBe(true);
    expect(ok(all, { type: "cancel" })).toBe(all);
  });

  it("refuses an operation it does not know", () => {
    expect(refused(emptyBoard(), { type: "steal", key: "a" }).code).toBe("BAD_INPUT");
    expect(refused(emptyBoard(), null).code).toBe("BAD_INPUT");
  });
});

describe("changes between two boards", () => {
  it("names the tasks done, failed, sent back and gone to review, and the board becoming all done", () => {
    let b = boardWith([t("a"), t("b"), t("c", undefined, { review: true }), t("d")], { max_tries: 1 });
    for (const key of ["a", "b", "c", "d"]) b = ok(b, { type: "claim", key, member: "m1" });
    const before = b;
    b = ok(b, { type: "done", key: "a", member: "m1", result: "r" });
    b = ok(b, { type: "fail", key: "b", member: "m1", reason: "cannot" });
    b = ok(b, { type: "done", key: "c", member: "m1", result: "r" });
    b = ok(b, { type: "release_member", member: "m1" });
    expect(changes(before, b)).toEqual({ done: ["a"], failed: ["b", "d"], sent_back: [], in_review: ["c"], became_all_done: false, any: true });
    expect(changes(b, b).any).toBe(false);
    const reopened = ok(ok(boardWith([t("x")]), { type: "claim", key: "x", member: "m1" }), { type: "release_member", member: "m1" });
    expect(changes(boardWith([t("x")]), reopened).sent_back).toEqual(["x"]);
    const closed = ok(b, { type: "cancel" });
    expect(changes(b, closed)).toMatchObject({ became_all_done: true, any: true });
  });
});

describe("a team across vendors", () => {
  const team = {
    type: "join",
    members: [
      { name: "claude-1", vendor: "claude" },
      { name: "claude-2", vendor: "claude" },
      { name: "codex-1", vendor: "codex" },
    ],
  };
  it("lets only the team work once one joined, and sends a review to another vendor", () => {
    let b = ok(boardWith([t("a", undefined, { review: true })]), team);
    expect(refused(b, { type: "claim", key: "a", member: "stranger" }).code).toBe("NOT_MEMBER");
    b = ok(b, { type: "claim", key: "a", member: "claude-1" }, 1);
    b = ok(b, { type: "done", key: "a", member: "claude-1", result: "built" }, 2);
    expect(claimable(b, "claude-2").map((x) => x.key)).toEqual([]);
    expect(refused(b, { type: "review", key: "a", reviewer: "claude-2", verdict: "approve", reasons: [] }).code).toBe("NOT_CLAIMER");
    expect(claimable(b, "codex-1").map((x) => x.key)).toEqual(["a"]);
    b = ok(b, { type: "review", key: "a", reviewer: "codex-1", verdict: "approve", reasons: [] }, 3);
    expect(b.tasks[0]?.state.status).toBe("done");
  });

  it("lets a same-vendor member review when the team has no other vendor, and a named reviewer alone when one is named", () => {
    const solo = {
      type: "join",
      members: [
        { name: "g-1", vendor: "gemini" },
        { name: "g-2", vendor: "gemini" },
      ],
    };
    let b = ok(boardWith([t("a", undefined, { review: true }), t("b", undefined, { review: true, reviewer: "g-1" })]), solo);
    b = ok(b, { type: "claim", key: "a", member: "g-1" }, 1);
    b = ok(b, { type: "done", key: "a", member: "g-1", result: "x" }, 2);
    expect(claimable(b, "g-2").map((x) => x.key)).toEqual(["a", "b"]);
    b = ok(b, { type: "claim", key: "b", member: "g-2" }, 3);
    b = ok(b, { type: "done", key: "b", member: "g-2", result: "y" }, 4);
    expect(claimable(b, "g-1").map((x) => x.key)).toEqual(["b"]);
    b = ok(b, { type: "join", members: [{ name: "c-1", vendor: "codex" }] }, 5);
    expect(claimable(b, "c-1").map((x) => x.key)).toEqual(["a"]);
  });
});

describe("categories", () => {
  it("gives a categorised task to the members that take its category, and any other task to anyone", () => {
    const join = {
      type: "join",
      members: [
        { name: "doc", vendor: "gemini", categories: ["docs"] },
        { name: "dev", vendor: "codex" },
      ],
    };
    const b = ok(boardWith([t("a", undefined, { category: "docs" }), t("b"), t("c", undefined, { category: "exotic" })]), join);
    expect(claimable(b, "dev").map((x) => x.key)).toEqual(["b", "c"]);
    expect(claimable(b, "doc").map((x) => x.key)).toEqual(["a", "b", "c"]);
    expect(refused(b, { type: "claim", key: "a", member: "dev" }).message).toMatch(/it is a docs task, for doc/);
  });
});
