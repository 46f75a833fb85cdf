import { expect, it } from "vitest";
import { note, using, wakes, type MakeStore } from "./harness.js";

// Long enough never to be reached by a store that works; a broken one fails on `false`, not on the test timeout.
const LONG = 10_000;

/** Waiting for mail: event-driven, with a deadline and an abort signal. */
export function waitCases(make: MakeStore): void {
  it(
    "wait resolves true at once when a message waits, without claiming it",
    using(make, async (s) => {
      await s.send(note("a", "w", "here"));
      expect(await s.wait("w", LONG)).toBe(true);
      expect([await s.pending("w"), await s.claimed("w")]).toEqual([1, 0]);
    }),
  );

  it(
    "wait wakes when a message arrives",
    using(make, async (s) => {
      const woken = s.wait("w", LONG);
      await s.send(note("a", "w", "wake up"));
      expect(await woken).toBe(true);
    }),
  );

  it(
    "wait resolves false at its deadline, on abort, and with a signal already aborted",
    using(make, async (s) => {
      expect(await s.wait("w", 50)).toBe(false);
      const controller = new AbortController();
      const aborted = s.wait("w", LONG, controller.signal);
      controller.abort();
      expect(await aborted).toBe(false);
      expect(await s.wait("w", LONG, controller.signal)).toBe(false);
    }),
  );

  it(
    "wait with `only` ignores the messages it does not accept",
    using(make, async (s) => {
      for (const name of ["boss", "w"]) await s.receive(name);
      await s.send(note("boss", "*", "fyi", { priority: "low" }));
      expect(await s.wait("w", 50, undefined, wakes)).toBe(false);
      const woken = s.wait("w", LONG, undefined, wakes);
      await s.send(note("boss", "*", "now", { priority: "high" }));
      expect(await woken).toBe(true);
      expect(await s.pending("w")).toBe(2);
    }),
  );
}
