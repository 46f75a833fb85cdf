import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { mcpToolName } from "@subagent-mcp/drivers";
import { NOTES_TOOL, notesStdioServer, startNotesHttpServer } from "@subagent-mcp/testkit";
import { bin, connectServer, startE2E, type E2E } from "./e2e.js";

// The user's own MCP servers handed to sub-agents, through the built server and the real CLIs: a
// stand-in stdio server registered in the user's Claude Code config, called by each CLI's
// sub-agent, its secret on no command line and in no journal; rules hold; failures are said.

const SECRET = "secret-notes-4471";
let e: E2E | undefined;
let notes: ReturnType<typeof notesStdioServer> | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
  notes?.cleanup();
  notes = undefined;
});

// The user's Claude Code config (~/.claude.json, user scope) with the notes server in it.
async function withNotes(extra: Record<string, unknown> = {}): Promise<E2E> {
  notes = notesStdioServer(SECRET);
  const spec = notes.spec;
  // Claude Code defers MCP tools behind its tool search unless told not to: the fake calls them directly.
  return startE2E({ ENABLE_TOOL_SEARCH: "false" }, (env) => {
    const file = join(env.env.HOME as string, ".claude.json");
    const config = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const { name: _name, ...server } = spec;
    writeFileSync(file, JSON.stringify({ ...config, mcpServers: { notes: { type: "stdio", ...server } }, ...extra }, null, 2));
  });
}

interface Finished {
  agent_id: string;
  result: string;
}

async function finish(s: E2E, agentId: string): Promise<{ finished: Finished; text: string }> {
  const answer = await s.client.callTool({ name: "wait", arguments: { agent_ids: [agentId], timeout_s: 120 } });
  const finished = (answer.structuredContent as { finished: Finished[] }).finished[0];
  if (finished === undefined) throw new Error(`no finished turn: ${JSON.stringify(answer)}`);
  return { finished, text: (answer.content as { text: string }[]).map((c) => c.text).join("\n") };
}

// Every process's command line on this machine that holds `needle`.
function commandLinesWith(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const line = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
      if (line.includes(needle)) found.push(`${pid}: ${line}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

// Every file under `dir` whose text holds `needle`.
function filesWith(dir: string, needle: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (readFileSync(path, "utf8").includes(needle)) out.push(path);
  }
  return out;
}

describe("the user's MCP servers on Claude Code", () => {
  it("a server named from ~/.claude.json is called, its env secret on no command line and in no journal; poll shows it", async () => {
    const s = (e = await withNotes());
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: "Read the note. [[tool:mcp__notes__notes_get|{}]] [[say:Read it.]]",
      mcp_servers: ["notes"],
    });
    await finish(s, agent_id);
    // The tool's answer (the value from the server's env) reached the model.
    expect(s.fakes.claude.requests.some((r) => r.messages.some((m) => m.role === "tool" && m.text.includes(`note: ${SECRET}`)))).toBe(true);
    // The agent is still alive: its CLI and the notes server run now, and no command line holds the secret.
    expect(commandLinesWith(SECRET)).toEqual([]);
    const state = join(s.env.env.XDG_STATE_HOME as string, "subagent-mcp");
    expect(filesWith(state, SECRET)).toEqual([]);
    // logs names the servers it was handed, and where they came from, without their env.
    const logs = await execa(process.execPath, [bin, "logs", agent_id], { cwd: s.env.cwd, env: s.env.env, extendEnv: false, reject: false });
    expect(logs.stdout).toContain("with MCP servers notes (claude user");
    expect(logs.stdout).not.toContain(SECRET);
    const poll = await s.call<{ mcp_servers?: string[] }>("poll_agent", { agent_id });
    expect(poll.mcp_servers).toEqual(expect.arrayContaining(["notes"]));
  });

  it("a deny rule on the server's tool blocks the call and the audit shows it", async () => {
    const s = (e = await withNotes());
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: "Read the note. [[tool:mcp__notes__notes_get|{}]] [[say:Tried.]]",
      mcp_servers: ["notes"],
      permissions: { deny: ["mcp__notes__notes_get"] },
    });
    await finish(s, agent_id);
    expect(s.fakes.claude.requests.some((r) => r.messages.some((m) => m.text.includes(`note: ${SECRET}`)))).toBe(false);
    const audit = readFileSync(join(s.env.env.XDG_STATE_HOME as string, "subagent-mcp", "permissions.jsonl"), "utf8");
    expect(audit).toMatch(/"decision":"deny"[^\n]*"rule":"mcp__notes__notes_get"|"rule":"mcp__notes__notes_get"[^\n]*"decision":"deny"/);
  });

  it("an inline HTTP server with a bearer header works; an unknown name lists the user's servers", async () => {
    const s = (e = await withNotes());
    const http = await startNotesHttpServer("over-http-1234", "tok-5678", "webnotes");
    try {
      const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
        provider: "claude",
        prompt: "Read it. [[tool:mcp__webnotes__notes_get|{}]] [[say:Read it.]]",
        mcp_servers: [http.spec],
      });
      await finish(s, agent_id);
      expect(http.calls).toBe(1);
      expect(commandLinesWith("tok-5678")).toEqual([]);
    } finally {
      await http.stop();
    }
    const unknown = await s.client.callTool({ name: "launch_agent", arguments: { provider: "claude", prompt: "x", mcp_servers: ["nope"] } });
    expect(unknown.isError).toBe(true);
    expect(JSON.stringify(unknown.content)).toContain('no MCP server named \\"nope\\"');
    expect(JSON.stringify(unknown.content)).toContain("claude: notes");
  });

  it("a project's .mcp.json server runs only once the project is trusted", async () => {
    const s = (e = await withNotes());
    const spec = notes?.spec;
    if (spec === undefined) throw new Error("no notes server");
    writeFileSync(join(s.env.cwd, ".mcp.json"), JSON.stringify({ mcpServers: { projnotes: { command: spec.command, args: spec.args, env: spec.env } } }));
    const refused = await s.client.callTool({ name: "launch_agent", arguments: { provider: "claude", prompt: "x", mcp_servers: ["projnotes"] } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain("in a project you have not trusted");
    const trusted = await execa(process.execPath, [bin, "trust"], { cwd: s.env.cwd, env: s.env.env, extendEnv: false, reject: false });
    expect(trusted.exitCode, trusted.stderr).toBe(0);
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: "Read it. [[tool:mcp__projnotes__notes_get|{}]] [[say:Read it.]]",
      mcp_servers: ["projnotes"],
    });
    await finish(s, agent_id);
    expect(s.fakes.claude.requests.some((r) => r.messages.some((m) => m.role === "tool" && m.text.includes(`note: ${SECRET}`)))).toBe(true);
  });
});

describe("the user's MCP servers: failures said, inherit, a pool definition", () => {
  it("a server that never starts is said in poll_agent and with the turn; inherit without a known host says so", async () => {
    const s = (e = await withNotes());
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: "Go on without it. [[say:Went on.]]",
      mcp_servers: [{ name: "broken", command: "/nonexistent/bin/mcp-broken" }],
    });
    const { text } = await finish(s, agent_id);
    expect(text).toContain("MCP server it was given did not start, it works without their tools: broken");
    const poll = await s.call<{ mcp_servers?: string[]; mcp_failed?: { server: string }[] }>("poll_agent", { agent_id });
    expect(poll.mcp_servers).toContain("broken");
    expect(poll.mcp_failed).toEqual([expect.objectContaining({ server: "broken" })]);
    // This test's client is no host whose config we read.
    const inherit = await s.client.callTool({ name: "launch_agent", arguments: { provider: "claude", prompt: "x", mcp_servers: ["inherit"] } });
    expect(inherit.isError).toBe(true);
    expect(JSON.stringify(inherit.content)).toContain("cannot inherit MCP servers");
  });

  it('"inherit" hands over every server of the host that started the server (Claude Code here)', async () => {
    const s = (e = await withNotes());
    // The same server as Claude Code starts it: its MCP client names itself claude-code.
    const host = await connectServer(s.serverEnv, s.env.cwd, "claude-code");
    try {
      const { agent_id } = await host.call<{ agent_id: string }>("launch_agent", {
        provider: "claude",
        prompt: "Read the note. [[tool:mcp__notes__notes_get|{}]] [[say:Read it.]]",
        mcp_servers: ["inherit"],
      });
      await host.call("wait", { agent_ids: [agent_id], timeout_s: 120 });
      expect(s.fakes.claude.requests.some((r) => r.messages.some((m) => m.role === "tool" && m.text.includes(`note: ${SECRET}`)))).toBe(true);
      const poll = await host.call<{ mcp_servers?: string[] }>("poll_agent", { agent_id });
      expect(poll.mcp_servers).toEqual(expect.arrayContaining(["notes"]));
    } finally {
      await host.close();
    }
  });

  it("a pool definition's mcp_servers reach its replicas' CLI", async () => {
    const s = (e = await withNotes());
    const dir = join(s.env.env.HOME as string, ".claude", "agents");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "reader.md"), "---\nname: reader\nprovider: claude\nmcp_servers: [notes]\n---\nYou read notes.\n");
    const out = await s.call<{ result?: string }>("invoke", { agent: "reader", task: "Read it. [[tool:mcp__notes__notes_get|{}]] [[say:Read it.]]" });
    expect(out.result).toBe("Read it.");
    expect(s.fakes.claude.requests.some((r) => r.messages.some((m) => m.role === "tool" && m.text.includes(`note: ${SECRET}`)))).toBe(true);
  });
});

// The turn that calls the notes tool: Qwen Code shows MCP tools to the model only once found with its
// tool search, then calls one through its `tool_call` bridge; the others list them.
function calling(provider: string): string {
  const tool = mcpToolName(provider, "notes", NOTES_TOOL);
  if (provider !== "qwen") return `[[tool:${tool}|{}]]`;
  const search = JSON.stringify({ query: `select:${tool}` });
  return `[[tool:tool_search|${search}]] [[tool:tool_call|${JSON.stringify({ name: tool, arguments: {} })}]]`;
}

// Codex is pinned to the model its config names, which the fake serves with its tools.
const OTHERS = [{ provider: "codex", model: "gpt-5.5" }, { provider: "gemini" }, { provider: "qwen" }] as const;

describe.each(OTHERS)("the user's MCP servers on $provider", ({ provider, ...pinned }) => {
  it("the notes server from the user's Claude Code config is called, its secret on no command line; a deny rule blocks it, audited", async () => {
    const s = (e = await withNotes());
    const fake = s.fakes[provider];
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider,
      ...pinned,
      prompt: `Read the note. ${calling(provider)} [[say:Read it.]]`,
      mcp_servers: ["notes"],
    });
    await finish(s, agent_id);
    expect(fake.requests.some((r) => JSON.stringify(r.messages).includes(`note: ${SECRET}`))).toBe(true);
    expect(commandLinesWith(SECRET)).toEqual([]);
    await s.call("kill_agent", { agent_id });

    const denied = await s.call<{ agent_id: string }>("launch_agent", {
      provider,
      ...pinned,
      prompt: `Read it again. ${calling(provider)} [[say:Tried.]]`,
      mcp_servers: ["notes"],
      // Rules are written in Claude Code's syntax whatever the CLI.
      permissions: { deny: ["mcp__notes__notes_get"] },
    });
    const before = fake.requests.length;
    await finish(s, denied.agent_id);
    expect(fake.requests.slice(before).some((r) => JSON.stringify(r.messages).includes(`note: ${SECRET}`))).toBe(false);
    const audit = readFileSync(join(s.env.env.HOME as string, ".local", "state", "subagent-mcp", "permissions.jsonl"), "utf8");
    expect(audit).toContain('"decision":"deny"');
    expect(audit).toContain('"rule":"mcp__notes__notes_get"');
  });
});
