import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { stateDir } from "@subagent-mcp/state";
import { afterEach, describe, expect, it } from "vitest";
import { bin, startE2E, type E2E } from "./e2e.js";

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

interface Row {
  agent_id: string;
}

// An ended agent's journal as a server writes it; `lineage`: the agents its launching server ran under.
function journal(s: E2E, id: string, lineage?: string[]): void {
  const dir = join(stateDir({ home: s.env.home, env: s.env.env }), "agents", id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const server = { id: "gone", pid: 2 ** 22 + 4_321, started_at: "2026-01-01T00:00:00.000Z" };
  writeFileSync(join(dir, "owner.json"), JSON.stringify(server));
  const at = "2026-01-01T00:00:01.000Z";
  const lines = [
    {
      t: "launch",
      at,
      agent_id: id,
      server,
      project: realpathSync(s.env.cwd),
      provider: "codex",
      cwd: s.env.cwd,
      ...(lineage === undefined ? {} : { lineage }),
    },
    { t: "session", at, session_id: `session-${id}` },
    { t: "prompt", at, turn: 1, text: `secret task of ${id}` },
    {
      t: "turn",
      at,
      turn: 1,
      result: `secret result of ${id}`,
      is_error: false,
      interrupted: false,
      usage: { input: 1, output: 1, cache_read: 0, cache_write: 0 },
      duration_ms: 1,
    },
    { t: "end", at, status: "stopped", why: "killed" },
  ];
  writeFileSync(join(dir, "journal.jsonl"), lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
}

// A tool call's error text, or undefined when it succeeded.
async function errorOf(s: E2E, name: string, args: Record<string, unknown>): Promise<string | undefined> {
  const result = await s.client.callTool({ name, arguments: args });
  return result.isError === true ? JSON.stringify(result.content) : undefined;
}

describe("a nested server sees only its own lineage in the journal", () => {
  it("lists, reads and resumes its agents and their descendants, never its parent's other agents", { timeout: 60_000 }, async () => {
    // The server a sub-agent "a1" started, as its CLI starts it (depth 1, its lineage passed down).
    const s = (e = await startE2E({ SUBAGENT_MCP_DEPTH: "1", SUBAGENT_MCP_LINEAGE: "a1", SUBAGENT_MCP_PERMISSION_CEILING: "default" }));
    journal(s, "a1");
    journal(s, "b2");
    journal(s, "c3", ["a1"]);
    journal(s, "d4", ["a1", "c3"]);
    journal(s, "e5", ["b2"]);
    journal(s, "f6", ["a1x"]);
    const { agents } = await s.call<{ agents: Row[] }>("list_agents", { include_past: true });
    expect(agents.map((a) => a.agent_id).sort()).toEqual(["c3", "d4"]);
    for (const id of ["c3", "d4"]) {
      const page = await s.call<{ turns: { result?: string }[] }>("transcript", { agent_id: id });
      expect(page.turns[0]?.result).toBe(`secret result of ${id}`);
    }
    for (const id of ["a1", "b2", "e5", "f6"]) {
      const transcript = await errorOf(s, "transcript", { agent_id: id });
      expect(transcript).toContain(`no journal for agent \\"${id}\\"`);
      expect(transcript).not.toContain("secret");
      const resumed = await errorOf(s, "resume_agent", { agent_id: id });
      expect(resumed).toContain(`no agent \\"${id}\\"`);
    }
  });

  it("under a real Codex sub-agent, the server its CLI starts does not see the orchestrator's other agents", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    const setup = await execa(process.execPath, [bin, "setup", "--host", "codex"], { cwd: s.env.cwd, env: s.env.env, extendEnv: false, reject: false });
    expect(setup.exitCode, setup.stderr).toBe(0);
    const sibling = await s.call<{ agent_id: string }>("launch_agent", { provider: "codex", model: "gpt-5.5", prompt: "sibling's private work" });
    await s.call("wait", { agent_ids: [sibling.agent_id], timeout_s: 60 });
    // The sub-agent's model lists the journal's agents and asks for its sibling's transcript, on its own subagent-mcp server.
    s.fakes.codex.script((r, nonce) => {
      if (!r.lastUserText.includes("look around")) return undefined;
      // Codex finds MCP tools by a tool search first ("found: ..."): only our tools' answers count.
      const results = r.messages.filter((m) => m.role === "tool" && !m.text.startsWith("found:")).map((m) => m.text);
      if (results.length === 0) return { kind: "tool", name: "mcp__subagent_mcp__list_agents", input: { include_past: true } };
      if (results.length === 1) return { kind: "tool", name: "mcp__subagent_mcp__transcript", input: { agent_id: sibling.agent_id } };
      return { kind: "text", text: `${nonce} saw: ${results.join(" | ")}` };
    });
    const nosy = await s.call<{ agent_id: string }>("launch_agent", { provider: "codex", model: "gpt-5.5", prompt: "look around" });
    const done = await s.call<{ finished: { result: string }[] }>("wait", { agent_ids: [nosy.agent_id], timeout_s: 90 });
    const result = done.finished[0]?.result ?? "";
    expect(result).toContain(`${s.fakes.codex.nonce} saw:`);
    expect(result).toContain(`no journal for agent "${sibling.agent_id}"`);
    expect(result).not.toContain("sibling's private work");
    // Its list of the journal's agents is empty: neither its sibling nor the sub-agent it runs under.
    expect(result.split("|")[0], result).not.toContain(sibling.agent_id);
    expect(result.split("|")[0], result).toContain('{"agents":[],"total":0,"total_past":0}');
  });
});
