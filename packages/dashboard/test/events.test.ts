import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEvents, setup, type Setup } from "./helpers.js";

let s: Setup;
beforeAll(async () => {
  s = await setup();
});
afterAll(async () => {
  await s.close();
});

describe("/api/events", () => {
  it("sends the state at connect, then again when a mailbox changes", async () => {
    const res = await fetch(s.at("/api/events"));
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    await res.body?.cancel();

    const events = await openEvents(s.at("/api/events"));
    try {
      const first = await events.next();
      expect(first.project).toBe(s.project);
      expect(first.mailboxes).toEqual([]);
      await s.mail.send({ from: "lead", to: "helper", body: "please look at the logs", priority: "normal" });
      const next = await events.next();
      expect(next.mailboxes).toEqual([{ name: "helper", waiting: 1, claimed: 0, dead: 0 }]);
      // A worker coming up shows too.
      const registration = await s.presence.register({ name: "night-shift" });
      const withWorker = await events.next();
      expect(withWorker.workers.map((w) => w.name)).toEqual(["night-shift"]);
      await registration.stop();
      expect((await events.next()).workers).toEqual([]);
    } finally {
      events.close();
    }
  });

  it("closes every stream when the dashboard closes", async () => {
    const other = await setup();
    const events = await openEvents(other.at("/api/events"));
    await events.next();
    await other.close();
    await expect(events.next()).rejects.toThrow();
  });
});
