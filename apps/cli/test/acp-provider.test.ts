import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { processAlive } from "@subagent-mcp/state";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, waitFor, type E2E } from "./e2e.js";

// The ACP agents from presets (Qwen Code, `qwen --acp`; OpenCode, `opencode acp`) as providers, end
// to end: the built server on stdio, the official MCP client, the real pinned agent against its fake
// OpenAI server (Responses for Qwen Code, Chat Completions for OpenCode).
let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

interface Polled {
  status: string;
  session_id?: string;
  pid?: number;
  model?: string;
  messaging?: string;
}

// The model each reports, and a price entry for it.
const AGENTS = [
  { provider: "qwen", title: "Qwen Code", model: "fake-qwen" },
  { provider: "opencode", title: "OpenCode", model: "fake/fake-model" },
] as const;

describe.each(AGENTS)("$title as a provider through the built CLI", ({ provider: name, model }) => {
  it("launches, answers, takes a follow-up in the same session, and is killed with no process left", { timeout: 180_000 }, async () => {
    const s = (e = await startE2E());
    const config = join(s.env.env.XDG_CONFIG_HOME as string, "subagent-mcp", "config.json");
    mkdirSync(join(config, ".."), { recursive: true });
    writeFileSync(config, JSON.stringify({ prices: { [model]: { input: 1, output: 2 } } }));
    const { agent_id, provider } = await s.call<{ agent_id: string; provider: string }>("launch_agent", {
      provider: name,
      prompt: "hello from the orchestrator",
    });
    expect(provider).toBe(name);
    const first = await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(first.is_error).toBe(false);
    expect(first.result).toContain(s.fakes[name].nonce);
    expect(first.result).toContain("hello from the orchestrator");
    const before = await s.call<Polled>("poll_agent", { agent_id });
    expect(before.model).toBe(model);
    // It started the messaging server it was handed in session/new.
    expect(before.messaging).toBe("connected");
    await s.call("send_message", { agent_id, message: "[[history]] and a follow-up" });
    const second = await waitFor(s, agent_id, (out) => out.finished[0]);
    // The same conversation: the agent's second request carries the first prompt too.
    expect(second.result).toContain("hello from the orchestrator");
    const after = await s.call<Polled>("poll_agent", { agent_id });
    expect(after.session_id).toBe(before.session_id);
    expect(after.pid).toBe(before.pid);
    // Usage comes from what the agent reports (Qwen Code in its updates, OpenCode in the prompt answer), priced from the configured entry for its model.
    const usage = await s.call<{ rows: { key: string; input: number; output: number; cost_usd?: number }[] }>("usage", { group_by: "agent" });
    const row = usage.rows.find((r) => r.key === agent_id);
    expect(row?.input).toBeGreaterThan(0);
    expect(row?.cost_usd).toBeCloseTo(((row?.input ?? 0) * 1 + (row?.output ?? 0) * 2) / 1e6, 9);
    const pid = after.pid as number;
    await s.call("kill_agent", { agent_id });
    const killed = await s.call<Polled>("poll_agent", { agent_id });
    expect(killed.status).toBe("stopped");
    expect(processAlive({ pid: pid })).toBe(false);
  });

  it("asks for a permission that respond_permission answers", { timeout: 180_000 }, async () => {
    const s = (e = await startE2E());
    const file = `${name}-allowed.txt`;
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: name, prompt: `[[shell:touch ${file}]]` });
    const ask = await waitFor(s, agent_id, (out) => out.permission_requests?.[0]);
    expect(ask).toMatchObject({ agent_id, kind: "shell", tool: "Bash" });
    expect(ask.summary).toContain(`touch ${file}`);
    expect(existsSync(join(s.env.cwd, file))).toBe(false);
    await s.call("respond_permission", { agent_id, request_id: ask.request_id, decision: "allow" });
    const turn = await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(turn.is_error).toBe(false);
    expect(existsSync(join(s.env.cwd, file))).toBe(true);
  });
});

describe("Qwen Code as a provider through the built CLI", () => {
  it("answers invoke for a pool definition with provider: qwen", { timeout: 180_000 }, async () => {
    const s = (e = await startE2E());
    mkdirSync(join(s.env.cwd, ".subagent-mcp", "agents"), { recursive: true });
    writeFileSync(
      join(s.env.cwd, ".subagent-mcp", "agents", "qwen-helper.md"),
      "---\nname: qwen-helper\ndescription: Answers on Qwen Code.\nprovider: qwen\n---\nYou answer briefly.\n",
    );
    const done = await s.call<{ status: string; result?: string; is_error?: boolean }>("invoke", {
      agent: "qwen-helper",
      task: "pool task for qwen",
      timeout_s: 120,
    });
    expect(done.is_error).not.toBe(true);
    expect(done.result).toContain(s.fakes.qwen.nonce);
    expect(done.result).toContain("pool task for qwen");
  });

  it("says so when the agent ignores the messaging server it was handed", { timeout: 180_000 }, async () => {
    // Qwen Code told to load no MCP server stands for an agent that ignores those given in session/new.
    const s = (e = await startE2E({}, (env) => {
      const config = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp", "config.json");
      mkdirSync(join(config, ".."), { recursive: true });
      writeFileSync(config, JSON.stringify({ providers: { qwen: { args: ["--acp", "--allowed-mcp-server-names", "none"] } } }));
    }));
    const deaf = await s.call<{ agent_id: string; mailbox?: string }>("launch_agent", { provider: "qwen", prompt: "ignores mcp" });
    expect(deaf.mailbox).toBe(deaf.agent_id);
    await waitFor(s, deaf.agent_id, (out) => out.finished[0]);
    const polled = await s.call<Polled & { hint?: string }>("poll_agent", { agent_id: deaf.agent_id });
    expect(polled.messaging).toBe("not_connected");
    expect(polled.hint).toContain('never called the "mailbox" MCP server it was handed: qwen ignores MCP servers given at session start');
  });

  it("refuses an unknown provider, naming the configured ones", { timeout: 60_000 }, async () => {
    const s = (e = await startE2E());
    const answer = await s.client.callTool({ name: "launch_agent", arguments: { provider: "nosuch", prompt: "x" } });
    expect(answer.isError).toBe(true);
    const text = JSON.stringify(answer.content);
    expect(text).toContain('unknown provider \\"nosuch\\"');
    for (const name of ["claude", "codex", "gemini", "qwen", "opencode"]) expect(text).toContain(name);
    // The same for a pool definition that names one.
    mkdirSync(join(s.env.cwd, ".subagent-mcp", "agents"), { recursive: true });
    writeFileSync(join(s.env.cwd, ".subagent-mcp", "agents", "ghost.md"), "---\nname: ghost\ndescription: Nowhere.\nprovider: nosuch\n---\nx\n");
    const invoked = await s.client.callTool({ name: "invoke", arguments: { agent: "ghost", task: "x", timeout_s: 30 } });
    expect(invoked.isError).toBe(true);
    expect(JSON.stringify(invoked.content)).toContain(
      'ghost.md: unknown provider \\"nosuch\\"; the configured providers are claude, codex, gemini, qwen, opencode',
    );
  });
});
