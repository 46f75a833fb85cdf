import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Maildir } from "../src/maildir.js";
import { wakes } from "../src/types.js";

const box = (maxAttempts = 3) => new Maildir(mkdtempSync(join(tmpdir(), "mail-")), { maxAttempts, pollMs: 50 });

describe("Maildir mailboxes", () => {
  it("delivers high priority first, then oldest first, each message to one reader", () => {
    const m = box();
    const a = m.send({ from: "orchestrator", to: "worker", body: "first", priority: "normal" });
    m.send({ from: "orchestrator", to: "worker", body: "second", priority: "low" });
    m.send({ from: "shell", to: "worker", body: "urgent", priority: "high" });
    expect(a.threadId).toBe(a.id);
    const got = m.receive("worker");
    expect(got.map((x) => x.body)).toEqual(["urgent", "first", "second"]);
    expect(m.receive("worker")).toEqual([]);
  });

  it("is at-least-once: a released message comes back, and dead-letters after N attempts", () => {
    const m = box(2);
    const sent = m.send({ from: "a", to: "b", body: "flaky", priority: "normal" });
    expect(m.receive("b")).toHaveLength(1);
    expect(m.release("b", sent.id)).toBe("requeued");
    const again = m.receive("b");
    expect(again[0]).toMatchObject({ body: "flaky", attempts: 1 });
    expect(m.release("b", sent.id)).toBe("dead");
    expect(m.receive("b")).toEqual([]);
    expect(m.dead("b").map((x) => x.body)).toEqual(["flaky"]);
    expect(m.revive("b")).toBe(1);
    expect(m.receive("b")[0]).toMatchObject({ body: "flaky", attempts: 0 });
    expect(m.claimed("b")).toBe(1);
    expect(m.names()).toEqual(["b"]);
  });

  it("ack removes a message for good; claims orphaned by a crash are recovered", () => {
    const m = box();
    const one = m.send({ from: "a", to: "b", body: "one", priority: "normal" });
    m.send({ from: "a", to: "b", body: "two", priority: "normal" });
    m.receive("b", 2);
    m.ack("b", one.id);
    // The reader died holding "two": reopening the mailbox requeues it.
    expect(new Maildir(m.root).recover("b")).toEqual({ requeued: 1, dead: [], quarantined: 0 });
    expect(m.receive("b").map((x) => x.body)).toEqual(["two"]);
    expect(readdirSync(join(m.root, "b", "cur"))).toHaveLength(1);
  });

  it("wait wakes on a new message, and returns false at its deadline or on abort", async () => {
    const m = box();
    const waiting = m.wait("c", 5_000);
    setTimeout(() => m.send({ from: "x", to: "c", body: "wake up", priority: "normal" }), 30);
    expect(await waiting).toBe(true);
    m.receive("c");
    expect(await m.wait("c", 50)).toBe(false);
    const controller = new AbortController();
    const aborted = m.wait("c", 5_000, controller.signal);
    controller.abort();
    expect(await aborted).toBe(false);
  });

  it("refuses names that could leave the mail root", () => {
    const m = box();
    expect(() => m.send({ from: "a", to: "../etc", body: "x", priority: "normal" })).toThrow();
    expect(() => m.receive("a/b")).toThrow();
  });
});

describe("broadcasts and the cost guard", () => {
  it("a broadcast is a copy in every other mailbox; only a high-priority one wakes", async () => {
    const m = box();
    m.pending("w1");
    m.pending("w2");
    m.pending("boss");
    m.send({ from: "boss", to: "*", body: "fyi", priority: "low" });
    expect([m.pending("w1"), m.pending("w2"), m.pending("boss")]).toEqual([1, 1, 0]);
    expect(await m.wait("w1", 50, undefined, wakes)).toBe(false);
    const woken = m.wait("w1", 5_000, undefined, wakes);
    m.send({ from: "boss", to: "*", body: "now", priority: "high" });
    expect(await woken).toBe(true);
    expect(m.receive("w1").map((x) => [x.body, x.broadcast])).toEqual([
      ["now", true],
      ["fyi", true],
    ]);
  });

  it("a release that is not a failure does not count an attempt", () => {
    const m = box(1);
    const sent = m.send({ from: "a", to: "b", body: "later", priority: "normal" });
    m.receive("b");
    expect(m.release("b", sent.id, { count: false })).toBe("requeued");
    expect(m.receive("b")[0]?.attempts).toBe(0);
  });
});
