import { describe, expect, it } from "vitest";
import { MAX_PENDING_PERMISSIONS, Supervisor, type PermissionEvent, type PermissionRuling } from "../src/index.js";
import type { CoreError } from "../src/index.js";
import { FakeClock, FakeDriver, type FakeSession } from "./fakes.js";
import type { PermissionDecision, PermissionRequest } from "@subagent-mcp/contract";

function setup(options: { cap?: number; timeoutMs?: number; policy?: (r: PermissionRequest) => PermissionRuling } = {}) {
  const told: PermissionEvent[] = [];
  const clock = new FakeClock();
  const driver = new FakeDriver("claude");
  const supervisor = new Supervisor({
    drivers: { claude: driver },
    clock,
    caps: { claude: options.cap ?? 5 },
    stallMs: 60_000,
    permissionTimeoutMs: options.timeoutMs ?? 300_000,
    onPermission: (event) => told.push(event),
  });
  const launch = (prompt = "task") =>
    supervisor.launch({ provider: "claude", prompt, cwd: "/tmp", ...(options.policy === undefined ? {} : { permissionPolicy: options.policy }) });
  const session = (index: number): FakeSession => {
    const s = driver.sessions[index];
    if (s === undefined) throw new Error(`no session ${index}`);
    return s;
  };
  return { clock, driver, supervisor, launch, session, told };
}

const allow: PermissionDecision = { behavior: "allow" };

describe("permission requests", () => {
  it("park the agent in permission_requested, alive and not stalled, until answered", () => {
    const { clock, supervisor, launch, session } = setup();
    const a = launch();
    session(0).ask("r1", "touch done");
    expect(supervisor.get(a.id)).toMatchObject({ status: "permission_requested", alive: true });
    expect(supervisor.get(a.id).permissions).toMatchObject([{ request: { requestId: "r1", command: "touch done" }, askedAt: clock.now() }]);
    clock.advance(200_000); // far past the stall window
    expect(supervisor.get(a.id).status).toBe("permission_requested");
    const { request } = supervisor.respondPermission(a.id, undefined, allow);
    expect(request.requestId).toBe("r1");
    expect(session(0).answers).toEqual([{ requestId: "r1", decision: allow }]);
    expect(supervisor.get(a.id)).toMatchObject({ status: "processing", permissions: [] });
  });

  it("free the processing slot while waiting; an answer resumes the agent even above the cap", () => {
    const { supervisor, launch, session } = setup({ cap: 1 });
    const a = launch("a");
    const b = launch("b");
    expect(supervisor.get(b.id).status).toBe("queued");
    session(0).ask("r1");
    expect(supervisor.get(b.id).status).toBe("processing");
    supervisor.respondPermission(a.id, "r1", allow);
    expect(supervisor.get(a.id).status).toBe("processing");
    // Two processing above a cap of one: nothing new starts until both are under it again.
    const c = launch("c");
    expect(supervisor.get(c.id).status).toBe("queued");
    session(0).finish("a done");
    expect(supervisor.get(c.id).status).toBe("queued");
    session(1).finish("b done");
    expect(supervisor.get(c.id).status).toBe("processing");
  });

  it("stay parked until the last of several is answered, and name one when several are pending", () => {
    const { supervisor, launch, session } = setup();
    const a = launch();
    session(0).ask("r1");
    session(0).ask("r2");
    expect(() => supervisor.respondPermission(a.id, undefined, allow)).toThrow(/2 pending permission requests \(r1, r2\)/);
    expect(() => supervisor.respondPermission(a.id, "nope", allow)).toThrow(expect.objectContaining({ code: "PERMISSION_NOT_FOUND" }) as CoreError);
    supervisor.respondPermission(a.id, "r2", { behavior: "deny", message: "no" });
    expect(supervisor.get(a.id).status).toBe("permission_requested");
    supervisor.respondPermission(a.id, "r1", allow);
    expect(supervisor.get(a.id).status).toBe("processing");
    expect(() => supervisor.respondPermission(a.id, undefined, allow)).toThrow(/no pending permission request/);
  });

  it("are denied on the injected clock's timeout with a reason that says so", () => {
    const { clock, supervisor, launch, session, told } = setup({ timeoutMs: 1_000 });
    const a = launch();
    session(0).ask("r1");
    clock.advance(999);
    expect(session(0).answers).toEqual([]);
    clock.advance(1);
    expect(session(0).answers).toEqual([
      { requestId: "r1", decision: { behavior: "deny", message: expect.stringContaining("within 1 s (permission_timeout_s)") as string } },
    ]);
    expect(supervisor.get(a.id)).toMatchObject({ status: "processing", permissions: [] });
    expect(told.at(-1)).toMatchObject({ agentId: a.id, decision: "deny", by: "timeout" });
  });

  it("an answered request's timeout never fires", () => {
    const { clock, supervisor, launch, session } = setup({ timeoutMs: 1_000 });
    const a = launch();
    session(0).ask("r1");
    supervisor.respondPermission(a.id, "r1", allow);
    clock.advance(5_000);
    expect(session(0).answers).toEqual([{ requestId: "r1", decision: allow }]);
  });

  it("kill and interrupt deny what is pending", async () => {
    const { supervisor, launch, session } = setup();
    const a = launch();
    const b = launch();
    session(0).ask("r1");
    session(1).ask("r2");
    await supervisor.kill(a.id);
    expect(session(0).answers).toEqual([{ requestId: "r1", decision: { behavior: "deny", message: "Denied: the agent was killed." } }]);
    expect(supervisor.get(a.id)).toMatchObject({ status: "stopped", permissions: [] });
    await supervisor.interrupt(b.id);
    expect(session(1).answers).toEqual([{ requestId: "r2", decision: { behavior: "deny", message: "Denied: the agent was interrupted." } }]);
    expect(session(1).interrupted).toBe(1);
    expect(supervisor.get(b.id).permissions).toEqual([]);
  });

  it("a withdrawn request or a turn's end leaves nothing pending", () => {
    const { supervisor, launch, session } = setup();
    const a = launch();
    session(0).ask("r1");
    session(0).emit({ type: "permission_withdrawn", requestId: "r1" });
    expect(supervisor.get(a.id)).toMatchObject({ status: "processing", permissions: [] });
    session(0).ask("r2");
    session(0).finish("done");
    expect(supervisor.get(a.id)).toMatchObject({ status: "finished", permissions: [] });
  });

  it("wake a wait early, in either mode, each request reported once", async () => {
    const { supervisor, launch, session } = setup();
    const a = launch();
    const b = launch();
    const waiting = supervisor.wait({ ids: [a.id, b.id], mode: "all", timeoutMs: 60_000 });
    session(1).ask("r1", "npm test");
    const result = await waiting;
    expect(result).toMatchObject({ timedOut: false, finished: [], stillRunning: [a.id, b.id] });
    expect(result.permissionRequests).toMatchObject([{ agentId: b.id, request: { requestId: "r1", command: "npm test" } }]);
    const again = supervisor.wait({ ids: [a.id, b.id], mode: "any", timeoutMs: 60_000 });
    session(0).finish("a");
    expect((await again).permissionRequests).toEqual([]);
  });

  it("rules answer at once without parking the agent", () => {
    const { supervisor, launch, session, told } = setup({
      policy: (r) =>
        r.command === "ls"
          ? { decision: "allow", rule: "Bash(ls)", why: "allowed by rule Bash(ls)" }
          : r.command === "rm -rf /"
            ? { decision: "deny", rule: "Bash(rm:*)", why: "denied by rule Bash(rm:*)" }
            : { decision: "ask", why: "no rule covers it" },
    });
    const a = launch();
    session(0).ask("r1", "ls");
    session(0).ask("r2", "rm -rf /");
    expect(supervisor.get(a.id).status).toBe("processing");
    expect(session(0).answers.map((x) => x.decision.behavior)).toEqual(["allow", "deny"]);
    expect(session(0).answers[1]?.decision.message).toBe("Denied: denied by rule Bash(rm:*).");
    session(0).ask("r3", "make");
    expect(supervisor.get(a.id).status).toBe("permission_requested");
    supervisor.respondPermission(a.id, "r3", allow);
    expect(told.map((e) => [e.request.requestId, e.decision, e.by, e.rule])).toEqual([
      ["r1", "allow", "rule", "Bash(ls)"],
      ["r2", "deny", "rule", "Bash(rm:*)"],
      ["r3", "ask", "rule", undefined],
      ["r3", "allow", "orchestrator", undefined],
    ]);
  });

  it("past the bound, or with no turn under way, a request is denied at once", () => {
    const { supervisor, launch, session } = setup();
    const a = launch();
    for (let i = 0; i <= MAX_PENDING_PERMISSIONS; i++) session(0).ask(`r${i}`);
    expect(supervisor.get(a.id).permissions).toHaveLength(MAX_PENDING_PERMISSIONS);
    expect(session(0).answers).toEqual([
      { requestId: `r${MAX_PENDING_PERMISSIONS}`, decision: expect.objectContaining({ behavior: "deny" }) as PermissionDecision },
    ]);
    session(0).finish("done");
    session(0).ask("late");
    expect(session(0).answers.at(-1)?.requestId).toBe("late");
    expect(supervisor.get(a.id).status).toBe("finished");
  });
});
