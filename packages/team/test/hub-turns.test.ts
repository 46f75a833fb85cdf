import type { BoardOptionsInput, Task } from "@subagent-mcp/board";
import type { BoardEvent } from "@subagent-mcp/contract";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TeamHub } from "../src/hub.js";
import { receipt, team, type Team } from "./fakes.js";

// A member works one task per turn: its board_done counts when the turn ends, with that turn's
// receipt (a suspect one or an error sends the task back), and a claim still held when the turn
// ends, or when the member ends, goes back to the board.

vi.mock("@subagent-mcp/board", async (importOriginal) => {
  const { withTurnSignal } = await import("./turn-signal.js");
  return withTurnSignal(await importOriginal());
});

let t: Team;
beforeEach(async () => {
  t = await team();
});
afterEach(() => t.close());

/** Board "team" with tasks a and b, and m1 (claude) a member of it, its first turn under way. */
async function start(options: BoardOptionsInput = {}, review = false): Promise<void> {
  await t.hub.store("team", options);
  await t.hub.apply("team", {
    type: "add",
    tasks: [
      { key: "a", title: "Task A", review },
      { key: "b", title: "Task B" },
    ],
  });
  t.supervisor.add("m1");
  await t.hub.join("team", [{ id: "m1", vendor: "claude" }]);
}

async function task(key: string): Promise<Task> {
  const found = (await t.hub.read("team")).tasks.find((x) => x.key === key);
  if (found === undefined) throw new Error(`no task ${key}`);
  return found;
}

/** m1 claims `key` and calls board_done on it in its turn. */
async function claimAndDone(key: string, result = `did ${key}`): Promise<void> {
  await t.hub.apply("team", { type: "claim", key, member: "m1" });
  t.hub.pendDone("m1", { board: "team", key, result });
}

/** Events as they come, until one of `kind` (those before it included). */
async function eventsUntil(hub: TeamHub, kind: BoardEvent["kind"]): Promise<BoardEvent[]> {
  const seen: BoardEvent[] = [];
  const never = new AbortController().signal;
  while (!seen.some((e) => e.kind === kind)) {
    await hub.events.next(never);
    seen.push(...hub.events.take());
  }
  return seen;
}

describe("board_done at the turn's end", () => {
  it("is recorded when the turn ends, with the turn's receipt", async () => {
    await start();
    await claimAndDone("a");
    // Not before the turn ends: the receipt is not known yet.
    expect((await task("a")).state.status).toBe("claimed");
    const r = receipt();
    await t.supervisor.endTurn("m1", { receipt: r });
    const a = await task("a");
    expect(a.state).toMatchObject({ status: "done", by: "m1", result: "did a", receipt: r });
    expect(a.tries).toBe(0);
    expect(a.sent_back).toBeUndefined();
  });

  it("goes to review, not done, for a task that asks for one", async () => {
    await start({}, true);
    await claimAndDone("a");
    await t.supervisor.endTurn("m1", { receipt: receipt() });
    expect((await task("a")).state).toMatchObject({ status: "in_review", by: "m1" });
  });

  it("sends the task back with the evidence of a suspect receipt, and fails it after max_tries", async () => {
    await start({ max_tries: 2 });
    const evidence = "says it edited src/a.ts, but no file changed";
    await claimAndDone("a");
    await t.supervisor.endTurn("m1", { receipt: receipt([{ reason: "no_changes", evidence }]) });
    const once = await task("a");
    expect(once.state.status).toBe("open");
    expect(once.tries).toBe(1);
    expect(once.sent_back?.by).toBe("receipt");
    expect(once.sent_back?.reasons).toEqual([`the turn's receipt: ${evidence}`]);

    await claimAndDone("a");
    await t.supervisor.endTurn("m1", { receipt: receipt([{ reason: "no_changes", evidence }]) });
    const twice = await task("a");
    expect(twice.tries).toBe(2);
    expect(twice.state.status).toBe("failed");
    if (twice.state.status === "failed") expect(twice.state.reason).toContain(evidence);
  });

  it("sends the task back when the turn ended in an error", async () => {
    await start();
    await claimAndDone("a");
    await t.supervisor.endTurn("m1", { isError: true, result: "API error: overloaded", receipt: receipt() });
    const a = await task("a");
    expect(a.state.status).toBe("open");
    expect(a.tries).toBe(1);
    expect(a.sent_back?.reasons.join("; ")).toContain("the turn ended in an error: API error: overloaded");
  });

  it("is dropped for a turn that was superseded: the stronger candidate's report decides", async () => {
    await start();
    await claimAndDone("a");
    const r = receipt();
    // A superseded report is nobody's answer; the same turn is reported again by the stronger candidate.
    const superseded = t.supervisor.endTurn("m1", { superseded: "escalated", receipt: receipt([{ reason: "no_changes", evidence: "weak" }]) });
    await t.supervisor.endTurn("m1", { turn: 1, receipt: r });
    await superseded;
    expect((await task("a")).state).toMatchObject({ status: "done", receipt: r });
  });
  it("tells each member's done once when two turns end together", async () => {
    await start();
    t.supervisor.add("m2");
    await t.hub.join("team", [{ id: "m2", vendor: "codex" }]);
    await claimAndDone("a");
    await t.hub.apply("team", { type: "claim", key: "b", member: "m2" });
    t.hub.pendDone("m2", { board: "team", key: "b", result: "did b" });
    t.hub.events.take();
    await Promise.all([t.supervisor.endTurn("m1", { receipt: receipt() }), t.supervisor.endTurn("m2", { receipt: receipt() })]);
    const told = t.hub.events.take().map((e) => `${e.kind} ${e.keys.join(",")}`);
    expect(told.filter((e) => e.startsWith("done")).sort()).toEqual(["done a", "done b"]);
    expect(told.filter((e) => e.startsWith("all_done"))).toHaveLength(1);
  });
});

describe("claims when a turn or a member ends", () => {
  it("gives back a claim still held when the turn ends without board_done", async () => {
    await start();
    await t.hub.apply("team", { type: "claim", key: "a", member: "m1" });
    await t.supervisor.endTurn("m1");
    const a = await task("a");
    expect(a.state.status).toBe("open");
    expect(a.tries).toBe(1);
    expect(a.sent_back?.by).toBe("m1");
    expect(a.sent_back?.reasons.join("; ")).toContain("ended its turn without board_done, board_fail or board_review");
  });

  it("gives back the claim of a member that was killed mid-task", async () => {
    await start();
    await t.hub.apply("team", { type: "claim", key: "a", member: "m1" });
    await t.supervisor.endTurn("m1", { status: "stopped", result: "" });
    const a = await task("a");
    expect(a.state.status).toBe("open");
    expect(a.sent_back?.reasons.join("; ")).toContain("was stopped (interrupted or killed)");
  });

  it("gives back a claim of an interrupted turn as stopped", async () => {
    await start();
    await t.hub.apply("team", { type: "claim", key: "a", member: "m1" });
    await t.supervisor.endTurn("m1", { interrupted: true });
    expect((await task("a")).sent_back?.reasons.join("; ")).toContain("was stopped (interrupted or killed)");
  });

  it("gives back a review still held when the turn ends, at no cost to its author", async () => {
    await start({}, true);
    t.supervisor.add("m2");
    await t.hub.join("team", [{ id: "m2", vendor: "codex" }]);
    await claimAndDone("a");
    await t.supervisor.endTurn("m1", { receipt: receipt() });
    await t.hub.apply("team", { type: "claim", key: "a", member: "m2" });
    expect((await task("a")).state).toMatchObject({ status: "in_review", reviewer: "m2" });
    await t.supervisor.endTurn("m2");
    const a = await task("a");
    expect(a.state.status).toBe("in_review");
    expect(a.state.status === "in_review" ? a.state.reviewer : "gone").toBeUndefined();
    expect(a.tries).toBe(0);
  });

  it("gives back the claims of a member that ended, and says so", async () => {
    await start();
    await t.hub.apply("team", { type: "claim", key: "a", member: "m1" });
    t.hub.events.take();
    t.supervisor.end("m1");
    const events = await eventsUntil(t.hub, "sent_back");
    expect(events.map((e) => e.kind)).toEqual(["member_ended", "sent_back"]);
    expect(events[0]?.detail).toContain("m1 ended");
    const a = await task("a");
    expect(a.state.status).toBe("open");
    expect(a.sent_back?.reasons.join("; ")).toContain("the claimer m1 ended before finishing it");
    expect(t.hub.active()).toBe(false);
  });
});
