import { expect, it } from "vitest";
import type { MailboxStore } from "@subagent-mcp/mailbox";
import { bodies, note, using, type MakeStore } from "./harness.js";

/** Receives and releases (counted) everything in `name`'s mailbox, `rounds` times. */
async function fail(s: MailboxStore, name: string, rounds: number): Promise<string[]> {
  const outcomes: string[] = [];
  for (let i = 0; i < rounds; i++) for (const m of await s.receive(name)) outcomes.push(await s.release(name, m.id));
  return outcomes;
}

/** Acknowledgement, retries, dead letters and recovery (the store gives up after 3 attempts). */
export function retryCases(make: MakeStore): void {
  releaseCases(make);
  deadLetterCases(make);
}

/** Acknowledgement and release, an attempt counted each time, dead letters after 3. */
function releaseCases(make: MakeStore): void {
  it(
    "ack removes a message for good",
    using(make, async (s) => {
      const sent = await s.send(note("a", "b", "once"));
      await s.receive("b");
      await s.ack("b", sent.id);
      expect([await s.pending("b"), await s.claimed("b")]).toEqual([0, 0]);
      expect(await s.dead("b")).toEqual([]);
      expect(await s.recover("b")).toEqual({ requeued: 0, dead: [], quarantined: 0 });
      expect(await s.receive("b")).toEqual([]);
    }),
  );

  it(
    "a released message comes back with an attempt counted, and goes to dead letters after 3",
    using(make, async (s) => {
      const sent = await s.send(note("a", "b", "flaky"));
      for (const attempts of [0, 1]) {
        expect(await s.receive("b")).toEqual([expect.objectContaining({ id: sent.id, attempts })]);
        expect(await s.release("b", sent.id)).toBe("requeued");
      }
      expect(await s.receive("b")).toEqual([expect.objectContaining({ id: sent.id, attempts: 2 })]);
      expect(await s.release("b", sent.id)).toBe("dead");
      expect(await s.receive("b")).toEqual([]);
      expect([await s.pending("b"), await s.claimed("b")]).toEqual([0, 0]);
      expect(await s.dead("b")).toEqual([expect.objectContaining({ id: sent.id, body: "flaky", threadId: sent.threadId, attempts: 3 })]);
    }),
  );

  it(
    "a release with count: false does not count an attempt",
    using(make, async (s) => {
      const sent = await s.send(note("a", "b", "later"));
      for (let i = 0; i < 4; i++) {
        expect(await s.receive("b")).toEqual([expect.objectContaining({ id: sent.id, attempts: 0 })]);
        expect(await s.release("b", sent.id, { count: false })).toBe("requeued");
      }
      expect(await s.dead("b")).toEqual([]);
    }),
  );

  it(
    "releasing a message that is not claimed is refused",
    using(make, async (s) => {
      const sent = await s.send(note("a", "b", "waiting"));
      await expect(s.release("b", sent.id)).rejects.toMatchObject({ code: "NOT_CLAIMED" });
      await s.receive("b");
      await s.ack("b", sent.id);
      await expect(s.release("b", sent.id)).rejects.toMatchObject({ code: "NOT_CLAIMED" });
    }),
  );
}

/** Dead letters revived, and the claims of a dead reader recovered. */
function deadLetterCases(make: MakeStore): void {
  it(
    "revive moves dead letters back with a fresh attempt count, one by id or all",
    using(make, async (s) => {
      const one = await s.send(note("a", "b", "one"));
      await s.send(note("a", "b", "two"));
      expect((await fail(s, "b", 3)).filter((o) => o === "dead")).toHaveLength(2);
      expect(bodies(await s.dead("b")).sort()).toEqual(["one", "two"]);
      expect(await s.revive("b", one.id)).toBe(1);
      expect(bodies(await s.dead("b"))).toEqual(["two"]);
      expect(await s.peek("b")).toEqual([expect.objectContaining({ id: one.id, body: "one", attempts: 0 })]);
      expect(await s.revive("b")).toBe(1);
      expect(await s.revive("b")).toBe(0);
      expect(await s.dead("b")).toEqual([]);
      expect((await s.receive("b")).map((m) => [m.body, m.attempts]).sort()).toEqual([
        ["one", 0],
        ["two", 0],
      ]);
    }),
  );

  it(
    "recover requeues the claims a dead reader left, counting an attempt; the last one goes to dead letters",
    using(make, async (s) => {
      const sent = await s.send(note("a", "b", "crashes its reader"));
      await s.send(note("a", "other", "untouched"));
      expect(await s.recover("b")).toEqual({ requeued: 0, dead: [], quarantined: 0 });
      for (const attempts of [0, 1]) {
        expect(await s.receive("b")).toEqual([expect.objectContaining({ id: sent.id, attempts })]);
        expect(await s.recover("b")).toEqual({ requeued: 1, dead: [], quarantined: 0 });
        expect([await s.pending("b"), await s.claimed("b")]).toEqual([1, 0]);
      }
      expect(await s.receive("b")).toEqual([expect.objectContaining({ id: sent.id, attempts: 2 })]);
      const recovered = await s.recover("b");
      expect(recovered).toEqual({ requeued: 0, dead: [expect.objectContaining({ id: sent.id, attempts: 3 })], quarantined: 0 });
      expect(await s.dead("b")).toEqual([expect.objectContaining({ id: sent.id, attempts: 3 })]);
      expect([await s.pending("b"), await s.claimed("b")]).toEqual([0, 0]);
      expect(await s.pending("other")).toBe(1);
    }),
  );
}
