import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { asyncStore, Maildir, messagingIdentity, SharedInbox } from "../src/index.js";

describe("whose mail a server reads", () => {
  it("a nested server without a name reads no mailbox; with one, only its own", () => {
    expect(messagingIdentity({ SUBAGENT_MCP_DEPTH: "1" }, 1)).toBeUndefined();
    expect(messagingIdentity({ SUBAGENT_MCP_DEPTH: "1", SUBAGENT_MCP_AGENT_NAME: "" }, 1)).toBeUndefined();
    expect(messagingIdentity({ SUBAGENT_MCP_AGENT_NAME: "a1b2c3d4" }, 1)).toEqual({ self: "a1b2c3d4" });
  });

  it("each top-level host session has its own mailbox and also reads the shared orchestrator one", () => {
    expect(messagingIdentity({ CLAUDE_CODE_SESSION_ID: "5f0c2a4e-1b2c-4d5e-8f90-123456789abc" }, 0)).toEqual({
      self: "orchestrator-5f0c2a4e-1b2c-4d5e-8f90-123456789abc",
      shared: "orchestrator",
    });
    // An odd id is hashed, never used as a path.
    expect(messagingIdentity({ CLAUDE_CODE_SESSION_ID: "../../x" }, 0)?.self).toMatch(/^orchestrator-[0-9a-f]{16}$/);
    // Without a host session id: one per server process.
    const a = messagingIdentity({}, 0);
    const b = messagingIdentity({}, 0);
    expect(a?.self).toMatch(/^orchestrator-[0-9a-f]{8}$/);
    expect(a?.self).not.toBe(b?.self);
    expect(messagingIdentity({ SUBAGENT_MCP_AGENT_NAME: "orchestrator" }, 0)).toEqual({ self: "orchestrator" });
  });
});

describe("SharedInbox", () => {
  let root: string;
  let mail: Maildir;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "shared-inbox-"));
    mail = new Maildir(root);
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("reads the session's own mail first, then the shared mailbox; ack and release go back where each came from", async () => {
    const a = new SharedInbox(asyncStore(mail), "orchestrator-a", "orchestrator");
    mail.send({ from: "shell", to: "orchestrator", body: "for any session", priority: "normal" });
    mail.send({ from: "kid", to: "orchestrator-a", body: "for a only", priority: "normal" });
    expect(await a.pending("orchestrator-a")).toBe(2);
    const got = await a.receive("orchestrator-a", 10);
    expect(got.map((m) => m.body)).toEqual(["for a only", "for any session"]);
    const shared = got[1]?.id ?? "";
    expect(await a.release("orchestrator-a", shared)).toBe("requeued");
    expect(mail.pending("orchestrator")).toBe(1);
    const again = await a.receive("orchestrator-a", 10);
    for (const m of [...got.slice(0, 1), ...again]) await a.ack("orchestrator-a", m.id);
    expect(mail.pending("orchestrator") + mail.claimed("orchestrator") + mail.claimed("orchestrator-a")).toBe(0);
  });

  it("another session never sees a session's own mail, and a broadcast is read once", async () => {
    const a = new SharedInbox(asyncStore(mail), "orchestrator-a", "orchestrator");
    const b = new SharedInbox(asyncStore(mail), "orchestrator-b", "orchestrator");
    await a.pending("orchestrator-a");
    await b.pending("orchestrator-b");
    mail.send({ from: "kid", to: "orchestrator-a", body: "private", priority: "normal" });
    mail.send({ from: "worker", to: "*", body: "to all", priority: "high" });
    expect((await b.receive("orchestrator-b", 10)).map((m) => m.body)).toEqual(["to all"]);
    expect((await a.receive("orchestrator-a", 10)).map((m) => m.body).sort()).toEqual(["private", "to all"]);
    // A's own broadcast is not read back by A through the shared mailbox.
    mail.send({ from: "orchestrator-a", to: "*", body: "from a", priority: "high" });
    expect(await a.receive("orchestrator-a", 10)).toEqual([]);
  });

  it("wait wakes on a message in either mailbox", async () => {
    const a = new SharedInbox(asyncStore(mail), "orchestrator-a", "orchestrator");
    const woke = a.wait("orchestrator-a", 30_000);
    mail.send({ from: "shell", to: "orchestrator", body: "hello", priority: "normal" });
    expect(await woke).toBe(true);
  });
});
