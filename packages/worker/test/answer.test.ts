import { describe, expect, it } from "vitest";
import { approvalAnswer, readAnswer, withoutKey, type PendingApproval } from "../src/index.js";

const KEY = "0123456789abcdef0123456789abcdef";

describe("readAnswer", () => {
  it.each([
    [`allow ${KEY}`, { behavior: "allow" }],
    [`Allow ${KEY}.`, { behavior: "allow" }],
    [`\`allow always ${KEY}\``, { behavior: "allow_always" }],
    [`${KEY} allow`, { behavior: "allow" }],
    [`deny ${KEY}: not on a Monday`, { behavior: "deny", message: "not on a Monday" }],
    [`allow\nkey: ${KEY}`, { behavior: "allow" }],
  ])("reads %j", (body, decision) => {
    expect(readAnswer(body, KEY)).toEqual({ keyed: true, decision });
  });

  it("an answer without the key does not count, whatever it says", () => {
    expect(readAnswer("allow", KEY)).toEqual({ keyed: false });
    expect(readAnswer(`allow ${KEY.slice(0, 31)}`, KEY)).toEqual({ keyed: false });
  });

  it("a keyed answer it cannot read is keyed but undecided", () => {
    expect(readAnswer(`maybe ${KEY}`, KEY)).toEqual({ keyed: true });
  });
});

describe("approvalAnswer", () => {
  const pending: PendingApproval = {
    id: "permission-abc",
    worker: "helper",
    approver: "boss",
    messageId: "m1",
    key: KEY,
    summary: "Bash: ls",
    askedAt: "2026-01-01T00:00:00Z",
    request: { requestId: "r1", tool: "Bash", kind: "shell", command: "ls", input: { command: "ls" } },
  };

  it("is the approver's message in the request's thread, naming the key, and reads back as the decision", () => {
    const denied = approvalAnswer(pending, "deny", "not\nnow");
    expect(denied).toMatchObject({ from: "boss", to: "helper", threadId: "permission-abc", replyTo: "m1" });
    expect(readAnswer(denied.body, KEY)).toEqual({ keyed: true, decision: { behavior: "deny", message: "not now" } });
    expect(readAnswer(approvalAnswer(pending, "allow_always").body, KEY).decision).toEqual({ behavior: "allow_always" });
  });

  it("lists a request without its key", () => {
    expect(JSON.stringify(withoutKey(pending))).not.toContain(KEY);
  });
});
