import { describe, expect, it } from "vitest";
import { TaskStore, type TaskControl, type TaskWork } from "../src/task-store.js";

// A task whose work ends when the test says, and which records a cancel.
function controlled(): { work: TaskWork; end: (text: string) => void; fail: (error: Error) => void; control: () => TaskControl; cancelled: () => number } {
  let end: (text: string) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  let control: TaskControl | undefined;
  let cancels = 0;
  return {
    work: {
      run: (c) => {
        control = c;
        return new Promise((resolve, reject) => {
          end = (text) => {
            resolve({ content: [{ type: "text", text }] });
          };
          fail = reject;
        });
      },
      cancel: () => {
        cancels++;
        return Promise.resolve();
      },
    },
    end: (text) => {
      end(text);
    },
    fail: (error) => {
      fail(error);
    },
    control: () => control as TaskControl,
    cancelled: () => cancels,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("TaskStore", () => {
  it("runs a task once, completes it with its capped result, and tells each status change", async () => {
    const store = new TaskStore({ maxResultChars: 8_000, pollIntervalMs: 250 });
    const seen: string[] = [];
    store.onChange((t) => seen.push(t.status));
    const w = controlled();
    const task = store.start("a1-turn-1", "working on it", w.work);
    expect(task).toMatchObject({ taskId: "a1-turn-1", status: "working", pollIntervalMs: 250, statusMessage: "working on it" });
    w.control().status("a1 is processing");
    expect(store.get("a1-turn-1")?.statusMessage).toBe("a1 is processing");
    w.end("x".repeat(20_000));
    await settle();
    const done = store.get("a1-turn-1");
    expect(done?.status).toBe("completed");
    expect(JSON.stringify(done?.result).length).toBeLessThanOrEqual(8_000);
    expect(seen).toEqual(["working", "completed"]);
    // A second task under a taken id gets an id of its own.
    expect(store.start("a1-turn-1", "again", controlled().work).taskId).toBe("a1-turn-1.2");
  });

  it("input_required holds the questions until tasks/update answers them; an answer nobody waits for is dropped", async () => {
    const store = new TaskStore({ maxResultChars: 8_000 });
    const w = controlled();
    store.start("t", "working", w.work);
    const answered = w.control().ask({ q: { method: "elicitation/create" } }, "asks");
    expect(store.get("t")).toMatchObject({ status: "input_required", inputRequests: { q: { method: "elicitation/create" } } });
    // An update that does not answer the question leaves it open.
    expect(store.update("t", {})).toBe(false);
    expect(store.update("t", { other: { action: "accept" } })).toBe(false);
    expect(store.get("t")?.status).toBe("input_required");
    expect(store.update("t", { q: { action: "accept" } })).toBe(true);
    await expect(answered).resolves.toEqual({ q: { action: "accept" } });
    expect(store.get("t")?.status).toBe("working");
    expect(store.get("t")?.inputRequests).toBeUndefined();
    expect(store.update("t", { q: {} })).toBe(false);
    // Answered elsewhere: settle leaves input_required without an answer.
    void w.control().ask({ q2: {} }, "asks again");
    w.control().settle("answered by respond_permission");
    expect(store.get("t")?.status).toBe("working");
  });

  it("cancel ends the task at once and stops its work once; a failure of the work fails the task", async () => {
    const store = new TaskStore({ maxResultChars: 8_000 });
    const w = controlled();
    store.start("c", "working", w.work);
    expect((await store.cancel("c"))?.status).toBe("cancelled");
    expect(w.control().signal.aborted).toBe(true);
    await store.cancel("c");
    expect(w.cancelled()).toBe(1);
    // What the work answers after the cancel changes nothing.
    w.end("late");
    await settle();
    expect(store.get("c")?.status).toBe("cancelled");
    const f = controlled();
    store.start("f", "working", f.work);
    f.fail(new Error("boom"));
    await settle();
    expect(store.get("f")).toMatchObject({ status: "failed", error: { message: "boom" } });
    expect(await store.cancel("nope")).toBeUndefined();
  });

  it("a finished task is kept for its ttl and no longer; the agents unfinished tasks carry are known", async () => {
    let now = 1_000;
    const store = new TaskStore({ maxResultChars: 8_000, ttlMs: 60_000, now: () => now });
    const w = controlled();
    store.start("old", "working", w.work);
    w.control().carries("agent-1");
    expect([...store.carried()]).toEqual(["agent-1"]);
    w.end("done");
    await settle();
    expect(store.carried().size).toBe(0);
    now += 60_001;
    // Pruning happens as tasks start.
    store.start("new", "working", controlled().work);
    expect(store.get("old")).toBeUndefined();
    expect(store.get("new")?.status).toBe("working");
  });
});
