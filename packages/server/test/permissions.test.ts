import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { AuditLog } from "@subagent-mcp/permissions";
import { auditTo } from "../src/runtime.js";
import { afterEach, describe, expect, it } from "vitest";
import { serverHarness, type ServerHarness } from "./harness.js";

interface Ask {
  agent_id: string;
  request_id: string;
  tool: string;
  kind: string;
  summary: string;
}
interface WaitOut {
  finished: { agent_id: string; result: string; is_error: boolean }[];
  still_running: string[];
  permission_requests?: Ask[];
}
interface PollOut {
  status: string;
  pending_permissions?: (Omit<Ask, "agent_id"> & { input: unknown; asked_at: string })[];
  hint?: string;
}

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// Waits until `agent` has a permission request to report (wait returns early for it).
async function nextAsk(s: ServerHarness, agent: string): Promise<Ask> {
  for (;;) {
    const out = await s.call<WaitOut>("wait", { agent_ids: [agent], timeout_s: 60 });
    const ask = out.permission_requests?.find((p) => p.agent_id === agent);
    if (ask !== undefined) return ask;
    if (!out.still_running.includes(agent)) throw new Error(`agent ended without asking: ${JSON.stringify(out)}`);
  }
}

// Waits for the agent's turn to be reported.
async function finished(s: ServerHarness, agent: string): Promise<WaitOut["finished"][number]> {
  for (;;) {
    const out = await s.call<WaitOut>("wait", { agent_ids: [agent], timeout_s: 60 });
    const turn = out.finished.find((f) => f.agent_id === agent);
    if (turn !== undefined) return turn;
  }
}

describe("permission requests over MCP with the real Claude Code", () => {
  it("ask -> wait shows it -> poll and list show it -> respond_permission allow -> the command ran", async () => {
    const s = (h = await serverHarness());
    const cwd = s.envs.claude.cwd;
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "[[shell:touch asked-and-allowed.txt]]" });
    const ask = await nextAsk(s, agent_id);
    expect(ask).toMatchObject({ tool: "Bash", kind: "shell" });
    // Reported once; a later wait (to its deadline) names the agent as waiting for an answer.
    const again = await s.client.callTool({ name: "wait", arguments: { agent_ids: [agent_id], timeout_s: 0.2 } });
    expect(again.structuredContent).not.toHaveProperty("permission_requests");
    expect(JSON.stringify(again.content)).toContain(`Waiting for respond_permission: ${agent_id} (${ask.request_id})`);
    expect(ask.summary).toContain("touch asked-and-allowed.txt");
    const poll = await s.call<PollOut>("poll_agent", { agent_id });
    expect(poll.status).toBe("permission_requested");
    expect(poll.pending_permissions).toMatchObject([{ request_id: ask.request_id, kind: "shell" }]);
    expect(Date.parse(poll.pending_permissions?.[0]?.asked_at ?? "")).not.toBeNaN();
    expect(poll.hint).toContain("respond_permission");
    const list = await s.call<{ agents: { agent_id: string; status: string; pending_permissions?: number }[] }>("list_agents");
    expect(list.agents).toMatchObject([{ agent_id, status: "permission_requested", pending_permissions: 1 }]);
    const answer = await s.call<{ status: string; summary: string }>("respond_permission", { agent_id, decision: "allow" });
    expect(answer.summary).toBe(ask.summary);
    const turn = await finished(s, agent_id);
    expect(turn.is_error).toBe(false);
    expect(existsSync(join(cwd, "asked-and-allowed.txt"))).toBe(true);
  });

  it("deny carries the reason to the model and nothing runs; unknown ids are clear errors", async () => {
    const s = (h = await serverHarness());
    const cwd = s.envs.claude.cwd;
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "[[shell:touch asked-and-denied.txt]]" });
    const ask = await nextAsk(s, agent_id);
    expect(await s.callError("respond_permission", { agent_id, request_id: "nope", decision: "allow" })).toMatch(
      /no pending permission request "nope".*pending: /,
    );
    await s.call("respond_permission", { agent_id, request_id: ask.request_id, decision: "deny", reason: "reason-plum-3" });
    await finished(s, agent_id);
    expect(existsSync(join(cwd, "asked-and-denied.txt"))).toBe(false);
    expect(s.fakes.claude.requests.some((r) => JSON.stringify(r.messages).includes("reason-plum-3"))).toBe(true);
    expect(await s.callError("respond_permission", { agent_id, decision: "allow" })).toContain("has no pending permission request");
  });

  it("a launch's rules answer without asking: allow runs, deny refuses; the audit log says who decided", async () => {
    const audit = new AuditLog({ path: join(process.env.TMPDIR ?? "/tmp", `audit-${String(process.pid)}-${String(Date.now())}.jsonl`) });
    const s = (h = await serverHarness({ supervisor: { onPermission: auditTo(audit) } }));
    const cwd = s.envs.claude.cwd;
    const permissions = { allow: ["Bash(touch ruled-in.txt)"], deny: ["Bash(touch ruled-out.txt)"] };
    const a = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "[[shell:touch ruled-in.txt]]", permissions });
    const b = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "[[shell:touch ruled-out.txt]]", permissions });
    for (const id of [a.agent_id, b.agent_id]) {
      const out = await s.call<WaitOut>("wait", { agent_ids: [id], timeout_s: 60 });
      expect(out.permission_requests).toBeUndefined();
      expect(out.finished.map((f) => f.agent_id)).toEqual([id]);
    }
    expect(existsSync(join(cwd, "ruled-in.txt"))).toBe(true);
    expect(existsSync(join(cwd, "ruled-out.txt"))).toBe(false);
    const lines = readFileSync(audit.path, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { by: string; decision: string; rule?: string; request: string });
    expect(lines.map((l) => [l.by, l.decision, l.rule]).sort()).toEqual([
      ["rule", "allow", "Bash(touch ruled-in.txt)"],
      ["rule", "deny", "Bash(touch ruled-out.txt)"],
    ]);
    expect(statSync(audit.path).mode & 0o777).toBe(0o600);
  });

  it("kill while a request is pending leaves no request and no process", async () => {
    const s = (h = await serverHarness());
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "[[shell:touch killed-while-asking.txt]]" });
    await nextAsk(s, agent_id);
    const pid = s.supervisor.get(agent_id).pid;
    await s.call("kill_agent", { agent_id });
    const poll = await s.call<PollOut>("poll_agent", { agent_id });
    expect(poll.status).toBe("stopped");
    expect(poll.pending_permissions).toBeUndefined();
    expect(pid).toBeDefined();
    expect(() => process.kill(pid as number, 0)).toThrow();
    expect(existsSync(join(s.envs.claude.cwd, "killed-while-asking.txt"))).toBe(false);
  });

  it("a nested server's allow rules stay within its ceiling", async () => {
    const s = (h = await serverHarness({ server: { depth: 1, maxDepth: 3, ceiling: { level: "default", tools: ["Read"] } } }));
    const above = await s.callError("launch_agent", { provider: "claude", prompt: "x", permissions: { allow: ["Bash(rm:*)"] } });
    expect(above).toContain("go beyond what this agent was allowed");
    expect(above).toContain("Bash(rm:*)");
  });

  it("a rule that does not parse is refused at launch", async () => {
    const s = (h = await serverHarness());
    expect(await s.callError("launch_agent", { provider: "claude", prompt: "x", permissions: { allow: ["Bash(unclosed"] } })).toContain("permissions");
  });
});
