import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { gated, LaunchGate } from "../src/admission/launch-gate.js";

describe("LaunchGate", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("holds the starts until every open launching call has its answer and it stays quiet, then runs them in order", () => {
    const gate = new LaunchGate(5, 60_000);
    const ran: number[] = [];
    const first = gate.enter();
    const second = gate.enter();
    gate.schedule(() => ran.push(1));
    gate.schedule(() => ran.push(2));
    first();
    vi.advanceTimersByTime(100);
    expect(ran).toEqual([]);
    second();
    second(); // leaving twice counts once
    vi.advanceTimersByTime(4);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ran).toEqual([1, 2]);
  });

  it("lets a call that opens within the quiet time hold the starts too", () => {
    const gate = new LaunchGate(5, 60_000);
    const ran: number[] = [];
    const first = gate.enter();
    gate.schedule(() => ran.push(1));
    first();
    vi.advanceTimersByTime(3);
    const late = gate.enter(); // the host's next parallel call, read a moment later
    vi.advanceTimersByTime(10);
    expect(ran).toEqual([]);
    late();
    vi.advanceTimersByTime(5);
    expect(ran).toEqual([1]);
  });

  it("starts after the quiet time when no launching call is open", () => {
    const gate = new LaunchGate(5, 60_000);
    const ran: number[] = [];
    gate.schedule(() => ran.push(1));
    vi.advanceTimersByTime(5);
    expect(ran).toEqual([1]);
  });

  it("never holds a start past maxWait while calls stay open", () => {
    const gate = new LaunchGate(5, 50);
    const ran: number[] = [];
    gate.enter();
    gate.schedule(() => ran.push(1));
    vi.advanceTimersByTime(49);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ran).toEqual([1]);
    gate.schedule(() => ran.push(2)); // a new hold gets its own deadline
    vi.advanceTimersByTime(50);
    expect(ran).toEqual([1, 2]);
  });

  it("gated() leaves the gate whether the body answers or throws", async () => {
    const gate = new LaunchGate(5, 60_000);
    const ran: number[] = [];
    await expect(
      gated(gate, () => {
        gate.schedule(() => ran.push(1));
        return Promise.reject(new Error("refused"));
      }),
    ).rejects.toThrow("refused");
    vi.advanceTimersByTime(5);
    expect(ran).toEqual([1]);
  });
});
