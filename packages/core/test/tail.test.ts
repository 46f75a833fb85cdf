import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecentItems, TailBuffer } from "../src/index.js";

describe("TailBuffer", () => {
  it("keeps exactly the last `capacity` characters of any sequence of pushes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.array(fc.string({ maxLength: 100 })), fc.nat(200), (capacity, pushes, asked) => {
        const tail = new TailBuffer(capacity);
        for (const text of pushes) tail.push(text);
        const all = pushes.join("");
        const kept = all.slice(Math.max(0, all.length - capacity));
        expect(tail.read()).toBe(kept);
        expect(tail.length).toBe(kept.length);
        expect(tail.dropped).toBe(all.length - kept.length);
        expect(tail.read(asked)).toBe(kept.slice(Math.max(0, kept.length - asked)));
      }),
      { numRuns: 500 },
    );
  });

  it("stays bounded under many megabytes of output", () => {
    const tail = new TailBuffer(1024 * 1024);
    const chunk = "x".repeat(64 * 1024);
    for (let i = 0; i < 400; i += 1) tail.push(chunk);
    expect(tail.length).toBe(1024 * 1024);
    expect(tail.read(10)).toBe("xxxxxxxxxx");
  });
});

describe("RecentItems", () => {
  it("merges streamed text and keeps the last N items", () => {
    const recent = new RecentItems(3);
    recent.add({ type: "text", delta: "hel" }, 1);
    recent.add({ type: "text", delta: "lo" }, 2);
    recent.add({ type: "tool", name: "Bash", input: { command: "ls" } }, 3);
    recent.add({ type: "tool_result", name: "Bash", ok: true }, 4);
    recent.add({ type: "started", sessionId: "s", model: "m" }, 5);
    expect(recent.last()).toEqual([
      { kind: "text", summary: "hello", at: 2 },
      { kind: "tool", summary: 'Bash {"command":"ls"}', at: 3 },
      { kind: "tool_result", summary: "Bash ok", at: 4 },
    ]);
    recent.add({ type: "turn_end", result: "done", isError: false, usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, durationMs: 1 }, 6);
    expect(recent.last(2).map((i) => i.kind)).toEqual(["tool_result", "turn_end"]);
  });
});
