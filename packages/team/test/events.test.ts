import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { team, type Team } from "./fakes.js";

// What `wait` hears of a board: each change once, in order, with why a task came back or failed;
// `next` wakes a waiter when one comes, or when the wait is called off.

let t: Team;
beforeEach(async () => {
  t = await team();
  await t.hub.apply("team", {
    type: "add",
    tasks: [
      { key: "r", title: "Reviewed task", review: true },
      { key: "s", title: "Sent back task" },
      { key: "f", title: "Failed task" },
    ],
  });
  t.supervisor.add("m1");
  t.supervisor.add("m2");
  await t.hub.join("team", [
    { id: "m1", vendor: "claude" },
    { id: "m2", vendor: "codex" },
  ]);
});
afterEach(() => t.close());

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("board events", () => {
  it("tells in_review, done, sent_back, failed and all_done each once, in order", async () => {
    const { hub } = t;
    expect(hub.events.take()).toEqual([]);
    await hub.apply("team", { type: "claim", key: "r", member: "m1" });
    await hub.apply("team", { type: "done", key: "r", member: "m1", result: "did r" });
    await hub.apply("team", { type: "claim", key: "r", member: "m2" });
    await hub.apply("team", { type: "review", key: "r", reviewer: "m2", verdict: "approve", reasons: [] });
    await hub.apply("team", { type: "claim", key: "s", member: "m1" });
    await hub.apply("team", { type: "done", key: "s", member: "m1", result: "did s", suspect: ["the turn's receipt: no file changed"] });
    await hub.apply("team", { type: "claim", key: "f", member: "m2" });
    await hub.apply("team", { type: "fail", key: "f", member: "m2", reason: "the API it needs is gone" });
    await hub.apply("team", { type: "claim", key: "s", member: "m2" });
    await hub.apply("team", { type: "done", key: "s", member: "m2", result: "did s again" });
    // Cancelling the failed task leaves every task done or cancelled.
    await hub.apply("team", { type: "cancel", keys: ["f"] });

    const events = hub.events.take();
    expect(events.map((e) => [e.kind, e.keys])).toEqual([
      ["in_review", ["r"]],
      ["done", ["r"]],
      ["sent_back", ["s"]],
      ["failed", ["f"]],
      ["done", ["s"]],
      ["all_done", []],
    ]);
    expect(events.every((e) => e.board === "team")).toBe(true);
    expect(events[2]?.detail).toBe("by receipt: the turn's receipt: no file changed");
    expect(events[3]?.detail).toBe("the API it needs is gone");
    expect(events[5]?.detail).toContain("all 3 task(s)");
    // Told once: taken, they are gone; an operation that changes nothing tells nothing.
    expect(hub.events.take()).toEqual([]);
    await hub.apply("team", { type: "cancel" });
    expect(hub.events.take()).toEqual([]);
    // The finished board ended its team.
    expect([...t.supervisor.kills].sort()).toEqual(["m1", "m2"]);
    expect(hub.active()).toBe(false);
  });

  it("tells a review's changes_requested as sent back, with the reviewer's reasons", async () => {
    const { hub } = t;
    await hub.apply("team", { type: "claim", key: "r", member: "m1" });
    await hub.apply("team", { type: "done", key: "r", member: "m1", result: "did r" });
    await hub.apply("team", { type: "claim", key: "r", member: "m2" });
    await hub.apply("team", { type: "review", key: "r", reviewer: "m2", verdict: "changes_requested", reasons: ["no test", "wrong file"] });
    expect(hub.events.take()).toEqual([
      { board: "team", kind: "in_review", keys: ["r"] },
      { board: "team", kind: "sent_back", keys: ["r"], detail: "by m2: no test; wrong file" },
    ]);
  });

  it("next resolves when an event arrives", async () => {
    const { hub } = t;
    let woke = false;
    const waiting = hub.events.next(new AbortController().signal).then(() => {
      woke = true;
    });
    await hub.apply("team", { type: "claim", key: "f", member: "m1" });
    await flush();
    // A claim is no event.
    expect(woke).toBe(false);
    await hub.apply("team", { type: "fail", key: "f", member: "m1", reason: "cannot" });
    await waiting;
    expect(woke).toBe(true);
    // With an event waiting, next resolves at once.
    await hub.events.next(new AbortController().signal);
    expect(hub.events.take().map((e) => e.kind)).toEqual(["failed"]);
  });

  it("next resolves when its signal aborts, or at once when it already has", async () => {
    const { hub } = t;
    const controller = new AbortController();
    let woke = false;
    const waiting = hub.events.next(controller.signal).then(() => {
      woke = true;
    });
    await flush();
    expect(woke).toBe(false);
    controller.abort();
    await waiting;
    expect(woke).toBe(true);
    await hub.events.next(controller.signal);
    expect(hub.events.take()).toEqual([]);
  });
});

describe("board events of operations at once", () => {
  it("tells each change once when two members' operations land together", async () => {
    const { hub } = t;
    await hub.apply("team", { type: "claim", key: "s", member: "m1" });
    await hub.apply("team", { type: "claim", key: "f", member: "m2" });
    await Promise.all([
      hub.apply("team", { type: "done", key: "s", member: "m1", result: "did s" }),
      hub.apply("team", { type: "fail", key: "f", member: "m2", reason: "cannot" }),
    ]);
    expect(
      hub.events
        .take()
        .map((e) => [e.kind, e.keys])
        .sort(),
    ).toEqual([
      ["done", ["s"]],
      ["failed", ["f"]],
    ]);
  });
});
