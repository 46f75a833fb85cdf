import { describe, expect, it } from "vitest";
import { SlotQueue } from "../src/index.js";

describe("SlotQueue", () => {
  it("keeps each provider's line first come first served, and a launch waits behind its own provider's", () => {
    const queue = new SlotQueue<{ id: string; provider: string }>((w) => w.provider);
    const a1 = { id: "a1", provider: "claude" };
    const b1 = { id: "b1", provider: "codex" };
    const a2 = { id: "a2", provider: "claude" };
    // A free slot and no one waiting: it runs now; no free slot: it waits.
    expect(queue.mustWait("claude", () => true)).toBe(false);
    expect(queue.mustWait("claude", () => false)).toBe(true);
    for (const w of [a1, b1, a2]) queue.push(w);
    // Others of its provider wait: it waits too, even with a slot free; another provider's line is its own.
    expect(queue.mustWait("claude", () => true)).toBe(true);
    expect(queue.mustWait("gemini", () => true)).toBe(false);
    expect([queue.position(a1), queue.position(b1), queue.position(a2)]).toEqual([1, 1, 2]);
    expect(queue.first("claude")).toBe(a1);
    expect(queue.waiting("claude")).toBe(2);
    expect(queue.remove(a1)).toBe(true);
    expect(queue.remove(a1)).toBe(false);
    expect(queue.position(a1)).toBeUndefined();
    expect(queue.position(a2)).toBe(1);
    expect(queue.items()).toEqual([b1, a2]);
    expect(queue.size).toBe(2);
  });
});
