import { expect, it } from "vitest";
import type { Message } from "@subagent-mcp/mailbox";
import { after, bodies, note, using, type MakeStore } from "./harness.js";

/** Sending, claiming, ordering, broadcasts and names. */
export function deliveryCases(make: MakeStore): void {
  sendingCases(make);
  namingCases(make);
}

/** Sending, the order of delivery and claiming. */
function sendingCases(make: MakeStore): void {
  it(
    "send assigns an id, a time, no attempts and a new thread; a reply keeps its thread",
    using(make, async (s) => {
      const ask = await s.send(note("boss", "worker", "do it", { auto: true }));
      expect(ask).toMatchObject({ from: "boss", to: "worker", body: "do it", priority: "normal", attempts: 0, threadId: ask.id, auto: true });
      expect(ask.id).not.toBe("");
      expect(ask.sentAt).toBeGreaterThan(0);
      const answer = await s.send(note("worker", "boss", "done", { threadId: ask.threadId, replyTo: ask.id, bounce: true }));
      expect(answer.id).not.toBe(ask.id);
      expect(answer).toMatchObject({ threadId: ask.id, replyTo: ask.id, bounce: true });
      expect(await s.receive("worker")).toEqual([ask]);
      expect(await s.receive("boss")).toEqual([answer]);
    }),
  );

  it(
    "delivers high before normal before low, then oldest first; peek shows that order without claiming",
    using(make, async (s) => {
      let last: Message | undefined;
      for (const [body, priority] of [
        ["low1", "low"],
        ["normal1", "normal"],
        ["high1", "high"],
        ["normal2", "normal"],
        ["low2", "low"],
        ["high2", "high"],
      ] as const) {
        if (last !== undefined) await after(last);
        last = await s.send(note("a", "w", body, { priority }));
      }
      const order = ["high1", "high2", "normal1", "normal2", "low1", "low2"];
      expect(bodies(await s.peek("w"))).toEqual(order);
      expect([await s.pending("w"), await s.claimed("w")]).toEqual([6, 0]);
      expect(bodies(await s.receive("w", 10))).toEqual(order);
      expect([await s.pending("w"), await s.claimed("w")]).toEqual([0, 6]);
    }),
  );

  it(
    "receive claims at most `limit`, only what `only` accepts; the rest keeps waiting",
    using(make, async (s) => {
      const first = await s.send(note("a", "w", "one"));
      await after(first);
      const second = await s.send(note("a", "w", "two"));
      await after(second);
      await s.send(note("a", "w", "three"));
      expect(bodies(await s.receive("w", 2))).toEqual(["one", "two"]);
      expect([await s.pending("w"), await s.claimed("w")]).toEqual([1, 2]);
      await s.send(note("a", "w", "skip me", { priority: "high" }));
      expect(bodies(await s.receive("w", 10, (m) => m.body !== "skip me"))).toEqual(["three"]);
      expect(bodies(await s.peek("w"))).toEqual(["skip me"]);
      expect(await s.claimed("w")).toBe(3);
    }),
  );

  it(
    "a message is claimed by one reader only",
    using(make, async (s) => {
      for (let i = 0; i < 6; i++) await s.send(note("a", "w", `m${i}`));
      const got = (await Promise.all([s.receive("w", 6), s.receive("w", 6), s.receive("w", 6)])).flat();
      expect(bodies(got).sort()).toEqual(["m0", "m1", "m2", "m3", "m4", "m5"]);
      expect(await s.receive("w", 6)).toEqual([]);
      expect([await s.pending("w"), await s.claimed("w")]).toEqual([0, 6]);
    }),
  );
}

/** Broadcasts, the names of the mailboxes, forgetting one, and names refused. */
function namingCases(make: MakeStore): void {
  it(
    "a broadcast is a copy in every known mailbox but the sender's",
    using(make, async (s) => {
      for (const name of ["boss", "w1", "w2"]) expect(await s.receive(name)).toEqual([]);
      const sent = await s.send(note("boss", "*", "fyi", { priority: "low" }));
      expect(sent).toMatchObject({ from: "boss", to: "*", broadcast: true, threadId: sent.id, attempts: 0 });
      expect([await s.pending("w1"), await s.pending("w2"), await s.pending("boss")]).toEqual([1, 1, 0]);
      for (const name of ["w1", "w2"]) {
        expect(await s.receive(name)).toEqual([
          expect.objectContaining({ from: "boss", body: "fyi", priority: "low", broadcast: true, threadId: sent.threadId }),
        ]);
      }
      // A mailbox that appears later did not exist when the broadcast went out.
      expect(await s.receive("late")).toEqual([]);
    }),
  );

  it(
    "names are the mailboxes that were sent to or read",
    using(make, async (s) => {
      expect(await s.names()).toEqual([]);
      await s.send(note("a", "b", "hello"));
      expect(await s.names()).toEqual(["b"]);
      await s.receive("c");
      expect((await s.names()).sort()).toEqual(["b", "c"]);
    }),
  );

  it(
    "forget deletes a mailbox only when nothing is in it, and a broadcast no longer reaches it",
    using(make, async (s) => {
      const sent = await s.send(note("a", "gone", "still here"));
      await s.pending("kept");
      expect(await s.forget("gone")).toBe(false);
      await s.receive("gone");
      expect(await s.forget("gone")).toBe(false);
      await s.ack("gone", sent.id);
      expect(await s.forget("gone")).toBe(true);
      expect(await s.names()).toEqual(["kept"]);
      await s.send(note("a", "*", "to all", { priority: "high" }));
      expect(await s.names()).toEqual(["kept"]);
      expect(bodies(await s.peek("kept"))).toEqual(["to all"]);
    }),
  );

  it(
    "refuses names that are not safe",
    using(make, async (s) => {
      await expect(s.send(note("a", "../etc", "x"))).rejects.toMatchObject({ code: "UNSAFE_NAME" });
      await expect(s.send(note("../a", "b", "x"))).rejects.toMatchObject({ code: "UNSAFE_NAME" });
      await expect(s.receive("a/b")).rejects.toMatchObject({ code: "UNSAFE_NAME" });
      expect(await s.names()).toEqual([]);
    }),
  );
}
