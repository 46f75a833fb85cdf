import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { afterBurst } from "../src/supervisor.js";

describe("afterBurst", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs a burst's starts together once it is quiet, in order", () => {
    const ran: number[] = [];
    const schedule = afterBurst(3, 50);
    schedule(() => ran.push(1));
    vi.advanceTimersByTime(2);
    schedule(() => ran.push(2));
    vi.advanceTimersByTime(2);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ran).toEqual([1, 2]);
  });

  it("does not hold a start past maxWait while launches keep coming", () => {
    const ran: number[] = [];
    const schedule = afterBurst(3, 10);
    for (let i = 0; i < 8; i += 1) {
      schedule(() => ran.push(i));
      vi.advanceTimersByTime(2);
    }
    expect(ran.length).toBeGreaterThan(0);
    expect(ran[0]).toBe(0);
  });
});
