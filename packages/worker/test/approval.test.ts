import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseApproval, PendingApprovals, workerRules, WorkerError } from "../src/index.js";

describe("parseApproval", () => {
  it.each([
    ["allow", { behavior: "allow" }],
    ["Allow", { behavior: "allow" }],
    ["  ALLOW ALWAYS ", { behavior: "allow_always" }],
    ["allow_always", { behavior: "allow_always" }],
    ["deny", { behavior: "deny", message: "denied by the approver" }],
    ["Deny: not on a Monday", { behavior: "deny", message: "not on a Monday" }],
    ["deny: first line\nsecond line", { behavior: "deny", message: "first line" }],
  ])("reads %j", (body, decision) => {
    expect(parseApproval(body)).toEqual(decision);
  });

  it.each(["yes", "allow: maybe", "allowed", "", "please deny"])("asks again for %j", (body) => {
    expect(parseApproval(body)).toBeUndefined();
  });
});

describe("PendingApprovals", () => {
  it("keeps each request in a 0600 file, lists them and skips what is not one", () => {
    const files = new PendingApprovals(join(mkdtempSync(join(tmpdir(), "approvals-")), "permissions"));
    const request = { requestId: "r1", tool: "Bash", kind: "shell" as const, command: "ls", input: { command: "ls" } };
    files.save({
      id: "permission-abc",
      worker: "w",
      approver: "boss",
      messageId: "m1",
      key: "0".repeat(32),
      summary: "Bash: ls",
      askedAt: "2026-01-01T00:00:00Z",
      request,
    });
    writeFileSync(join(files.dir, "junk.json"), "{");
    expect(files.list().map((p) => p.id)).toEqual(["permission-abc"]);
    expect(statSync(join(files.dir, "permission-abc.json")).mode & 0o777).toBe(0o600);
    files.remove("permission-abc");
    expect(files.list()).toEqual([]);
    files.save({
      id: "permission-def",
      worker: "w",
      approver: "boss",
      messageId: "m2",
      key: "1".repeat(32),
      summary: "Bash: ls",
      askedAt: "2026-01-01T00:00:00Z",
      request,
    });
    expect(files.clear()).toBe(1);
    expect(files.list()).toEqual([]);
  });
});

describe("workerRules", () => {
  it("refuses a rule that does not parse", () => {
    expect(() => workerRules({ allow: ["Bash("] })).toThrow(WorkerError);
    expect(workerRules({ allow: ["Bash(touch:*)"] })).toEqual({ allow: ["Bash(touch:*)"] });
  });
});
