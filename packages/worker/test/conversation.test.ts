import type { Message } from "@subagent-mcp/mailbox";
import { describe, expect, it } from "vitest";
import { conversations, renderTurn } from "../src/conversation.js";

let n = 0;
const msg = (over: Partial<Message>): Message => ({
  id: `m${++n}`,
  from: "shell",
  to: "w",
  body: "hi",
  priority: "normal",
  threadId: "t1",
  sentAt: n,
  attempts: 0,
  ...over,
});

describe("conversations", () => {
  it("groups one sender's messages in one thread, and answers the last of them", () => {
    const a = msg({ body: "one" });
    const b = msg({ from: "boss", threadId: "t2" });
    const c = msg({ body: "two" });
    const out = conversations([a, b, c]);
    expect(out.map((x) => x.messages.map((m) => m.id))).toEqual([[a.id, c.id], [b.id]]);
    expect(out[0]?.replyTo?.id).toBe(c.id);
  });

  it("lets low and normal broadcasts ride along with the first conversation, never answered", () => {
    const direct = msg({});
    const fyi = msg({ from: "boss", broadcast: true, priority: "low", threadId: "t9" });
    const out = conversations([direct, fyi]);
    expect(out).toHaveLength(1);
    expect(out[0]?.messages.map((m) => m.id)).toEqual([direct.id, fyi.id]);
    expect(out[0]?.replyTo?.id).toBe(direct.id);
    const alone = conversations([msg({ broadcast: true, priority: "high" })]);
    expect(alone[0]?.replyTo).toBeUndefined();
  });

  it("never answers an automatic reply automatically", () => {
    const [c] = conversations([msg({ auto: true, replyTo: "x" })]);
    expect(c?.replyTo).toBeUndefined();
    expect(renderTurn("w", c ?? { messages: [] })).toContain("not sent anywhere automatically");
  });

  it("renders who sent what, the thread, redeliveries and where the answer goes", () => {
    const m = msg({ body: "please review", attempts: 1 });
    const text = renderTurn("reviewer", { messages: [m], replyTo: m });
    expect(text).toContain('You are the worker "reviewer"');
    expect(text).toContain(`[message ${m.id}] from shell (normal, thread t1, delivery 2):\nplease review`);
    expect(text).toContain("sent automatically to shell in thread t1");
  });
});
