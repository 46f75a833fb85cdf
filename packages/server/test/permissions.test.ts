import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditLog } from "@subagent-mcp/permissions";
import { loadConfig, TrustStore, type PoolDefinition } from "@subagent-mcp/config";
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
  pending_permissions?: (Omit<Ask, "agent_id"> & { input: unknown; asked_at: string; options: string[] })[];
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
    expect(poll.pending_permissions).toMatchObject([{ request_id: ask.request_id, kind: "shell", options: ["allow", "allow_always", "deny"] }]);
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

// The user's config and a project's, in a temporary home and project folder (trust kept there too).
function configFrom(files: { user?: unknown; project?: unknown }) {
  const home = mkdtempSync(join(tmpdir(), "rules-"));
  const cwd = join(home, "project");
  mkdirSync(cwd);
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_STATE_HOME: join(home, "state") };
  const write = (path: string, json: unknown): void => {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, JSON.stringify(json));
  };
  if (files.user !== undefined) write(join(env.XDG_CONFIG_HOME, "subagent-mcp", "config.json"), files.user);
  if (files.project !== undefined) write(join(cwd, ".subagent-mcp", "config.json"), files.project);
  const said: string[] = [];
  return { cwd, load: () => loadConfig({ cwd, env, warn: (line) => said.push(line) }), said, trust: TrustStore.fromEnv(env) };
}

const pooled = (name: string, permissions: PoolDefinition["permissions"]): PoolDefinition => ({
  name,
  description: undefined,
  file: `/defs/${name}.md`,
  provider: "claude",
  model: undefined,
  effort: undefined,
  allowedTools: undefined,
  permissionMode: undefined,
  permissions,
  replicas: 1,
  maxTurnsPerProcess: 50,
  systemPrompt: `You are ${name}.`,
});

describe("permission rules from the config files and agent definitions", () => {
  it("a config deny rule refuses without asking, even against the launch's own allow", async () => {
    const { permissions } = configFrom({ user: { permissions: { deny: ["Bash(touch config-denied.txt)"] } } }).load();
    const t = (h = await serverHarness({ server: { permissions } }));
    const { agent_id } = await t.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: "[[shell:touch config-denied.txt]]",
      permissions: { allow: ["Bash(touch config-denied.txt)"] },
    });
    const out = await t.call<WaitOut>("wait", { agent_ids: [agent_id], timeout_s: 60 });
    expect(out.permission_requests).toBeUndefined();
    expect(out.finished.map((f) => f.agent_id)).toEqual([agent_id]);
    expect(existsSync(join(t.envs.claude.cwd, "config-denied.txt"))).toBe(false);
    expect(t.fakes.claude.requests.some((r) => JSON.stringify(r.messages).includes("denied by rule Bash(touch config-denied.txt)"))).toBe(true);
  });

  it("an untrusted project's allow rule is ignored (the agent asks) while its deny rule applies; trust lets the allow in", async () => {
    const files = configFrom({ project: { permissions: { allow: ["Bash(touch project-allowed.txt)"], deny: ["Bash(touch project-denied.txt)"] } } });
    const config = files.load();
    expect(config.ignored).toEqual(["permissions.allow"]);
    expect(config.permissions).toEqual({ deny: ["Bash(touch project-denied.txt)"] });
    expect(files.said.join("\n")).toContain("permissions.allow Bash(touch project-allowed.txt)");
    const t = (h = await serverHarness({ server: { permissions: config.permissions } }));
    const asked = await t.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: "[[shell:touch project-allowed.txt]]",
      cwd: t.envs.claude.cwd,
    });
    expect(await nextAsk(t, asked.agent_id)).toMatchObject({ tool: "Bash" });
    await t.call("respond_permission", { agent_id: asked.agent_id, decision: "deny", reason: "not now" });
    await finished(t, asked.agent_id);
    const denied = await t.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: "[[shell:touch project-denied.txt]]",
      cwd: t.envs.claude.cwd,
    });
    const out = await t.call<WaitOut>("wait", { agent_ids: [denied.agent_id], timeout_s: 60 });
    expect(out.permission_requests).toBeUndefined();
    expect(out.finished.map((f) => f.agent_id)).toEqual([denied.agent_id]);
    expect(existsSync(join(t.envs.claude.cwd, "project-denied.txt"))).toBe(false);

    files.trust.grant(files.cwd);
    expect(files.load().permissions).toEqual({ allow: ["Bash(touch project-allowed.txt)"], deny: ["Bash(touch project-denied.txt)"] });
  });

  it("a definition's ask rule parks a pooled task (over the config's allow); invoke returns with the request and respond_permission allows it", async () => {
    const rule = "Bash(touch pooled-asked.txt)";
    const s = (h = await serverHarness({
      server: { permissions: { allow: [rule] }, definitions: () => ({ definitions: [pooled("asker", { ask: [rule] })], problems: [] }) },
    }));
    const out = await s.call<{ status: string; agent_id: string; permission_requests?: Omit<Ask, "agent_id">[] }>("invoke", {
      agent: "asker",
      task: "[[shell:touch pooled-asked.txt]]",
      timeout_s: 600,
    });
    expect(out.status).toBe("running");
    expect(out.permission_requests).toMatchObject([{ tool: "Bash", kind: "shell" }]);
    const ask = await nextAsk(s, out.agent_id);
    expect(ask.request_id).toBe(out.permission_requests?.[0]?.request_id);
    await s.call("respond_permission", { agent_id: out.agent_id, request_id: ask.request_id, decision: "allow" });
    const turn = await finished(s, out.agent_id);
    expect(turn.is_error).toBe(false);
    expect(existsSync(join(s.envs.claude.cwd, "pooled-asked.txt"))).toBe(true);
  });
});
