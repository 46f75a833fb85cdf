import type { Task } from "@subagent-mcp/board";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { receipt, team, type Team } from "./fakes.js";

// The hub hands each idle member its next turn while the board has work for it, once, and never
// to a member at work; a member whose turn found nothing is left alone until the board changes.
// A finished board ends its team; claims of a team gone before a restart go back.

vi.mock("@subagent-mcp/board", async (importOriginal) => {
  const { withTurnSignal } = await import("./turn-signal.js");
  return withTurnSignal(await importOriginal());
});

let t: Team;
beforeEach(async () => {
  t = await team();
});
afterEach(() => t.close());

async function add(...keys: string[]): Promise<void> {
  await t.hub.apply("team", { type: "add", tasks: keys.map((key) => ({ key, title: `Task ${key}` })) });
}

async function member(id: string, vendor = "claude"): Promise<void> {
  t.supervisor.add(id);
  await t.hub.join("team", [{ id, vendor }]);
}

async function task(key: string): Promise<Task> {
  const found = (await t.hub.read("team")).tasks.find((x) => x.key === key);
  if (found === undefined) throw new Error(`no task ${key}`);
  return found;
}

describe("feeding members", () => {
  it("hands a member its next task once when its turn ends, not again while it works, and not after a turn that took nothing until the board changes", async () => {
    await add("a", "b");
    await member("m1");
    // Joined with its first turn under way: nothing is sent while it works.
    expect(t.supervisor.sentTo("m1")).toEqual([]);

    await t.hub.apply("team", { type: "claim", key: "a", member: "m1" });
    t.hub.pendDone("m1", { board: "team", key: "a", result: "did a" });
    const fed = t.supervisor.nextSend("m1");
    await t.supervisor.endTurn("m1", { receipt: receipt() });
    await fed;
    expect(t.supervisor.sentTo("m1")).toHaveLength(1);
    expect(t.supervisor.sentTo("m1")[0]).toContain('task board "team"');

    // At work: the board changing hands it nothing more.
    await add("c");
    t.supervisor.change("m1", "processing");
    expect(t.supervisor.sentTo("m1")).toHaveLength(1);

    // A turn that touched no task: b and c are there, but it is not asked again for the same board.
    await t.supervisor.endTurn("m1");
    t.supervisor.change("m1", "finished");
    expect(t.supervisor.sentTo("m1")).toHaveLength(1);

    // The board changes: it is asked again, once.
    const woken = t.supervisor.nextSend("m1");
    await add("d");
    await woken;
    expect(t.supervisor.sentTo("m1")).toHaveLength(2);
    await add("e");
    expect(t.supervisor.sentTo("m1")).toHaveLength(2);
  });

  it("does not hand work to a member when the board has nothing it may claim", async () => {
    await add("a");
    await member("m1");
    await t.hub.apply("team", { type: "claim", key: "a", member: "m1" });
    t.hub.pendDone("m1", { board: "team", key: "a", result: "did a" });
    await add("b");
    await member("m2");
    await t.hub.apply("team", { type: "claim", key: "b", member: "m2" });
    // m1's done leaves b claimed by m2 and the board not finished: nothing for m1.
    await t.supervisor.endTurn("m1", { receipt: receipt() });
    expect((await task("a")).state.status).toBe("done");
    expect(t.supervisor.sentTo("m1")).toEqual([]);
    expect(t.hub.active()).toBe(true);
  });

  it("feeds a member whose status settles after its turn report", async () => {
    await add("a", "b");
    await member("m1");
    await t.hub.apply("team", { type: "claim", key: "a", member: "m1" });
    t.hub.pendDone("m1", { board: "team", key: "a", result: "did a" });
    // The report comes while the agent still shows as running: it is not handed a turn yet.
    await t.supervisor.endTurn("m1", { status: "processing", receipt: receipt() });
    expect(t.supervisor.sentTo("m1")).toEqual([]);
    const fed = t.supervisor.nextSend("m1");
    t.supervisor.change("m1", "finished");
    await fed;
    expect(t.supervisor.sentTo("m1")).toHaveLength(1);
  });
});

describe("a finished board", () => {
  it("ends its members and the team is no longer active", async () => {
    await add("a");
    await member("m1");
    await member("m2", "codex");
    expect(t.hub.active()).toBe(true);
    await t.hub.apply("team", { type: "claim", key: "a", member: "m1" });
    t.hub.pendDone("m1", { board: "team", key: "a", result: "did a" });
    await t.supervisor.endTurn("m1", { receipt: receipt() });
    expect([...t.supervisor.kills].sort()).toEqual(["m1", "m2"]);
    expect(t.hub.active()).toBe(false);
    expect(t.hub.boardOf("m1")).toBeUndefined();
    expect(t.supervisor.sends).toEqual([]);
    expect(t.hub.events.take().map((e) => e.kind)).toEqual(["done", "all_done"]);
  });

  it("is finished by cancelling what is left, which ends the team too", async () => {
    await add("a", "b");
    await member("m1");
    await t.hub.apply("team", { type: "cancel" });
    expect(t.supervisor.kills).toEqual(["m1"]);
    expect(t.hub.active()).toBe(false);
  });
});

describe("releaseGone", () => {
  it("gives back the claims of members of the board this hub does not know, unless they are alive", async () => {
    await add("a", "b", "c");
    await t.hub.apply("team", { type: "join", members: [{ name: "old1" }, { name: "old2" }] });
    await member("m1");
    await t.hub.apply("team", { type: "claim", key: "a", member: "old1" });
    await t.hub.apply("team", { type: "claim", key: "b", member: "old2" });
    await t.hub.apply("team", { type: "claim", key: "c", member: "m1" });

    const gone = await t.hub.releaseGone("team", (id) => id === "old2");
    expect(gone).toEqual(["old1"]);
    const a = await task("a");
    expect(a.state.status).toBe("open");
    expect(a.sent_back?.reasons.join("; ")).toContain("old1 was gone when the team was resumed");
    expect((await task("b")).state).toMatchObject({ status: "claimed", by: "old2" });
    expect((await task("c")).state).toMatchObject({ status: "claimed", by: "m1" });
    expect(t.hub.events.take()).toContainEqual(expect.objectContaining({ kind: "sent_back", keys: ["a"] }));
  });
});
