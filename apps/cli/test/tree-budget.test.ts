import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cliExecutable, type FakeRequest } from "@subagent-mcp/testkit";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { bin, startE2E, type E2E } from "./e2e.js";

interface Poll {
  budget?: { limits: Record<string, number> };
}

let e: E2E | undefined;
let configHome: string | undefined;
afterEach(async () => {
  await e?.close();
  if (configHome !== undefined) rmSync(configHome, { recursive: true, force: true });
  [e, configHome] = [undefined, undefined];
});

// A tool call's error text, or undefined when it succeeded.
async function errorOf(s: E2E, name: string, args: Record<string, unknown>): Promise<string | undefined> {
  const result = await s.client.callTool({ name, arguments: args });
  return result.isError === true ? JSON.stringify(result.content) : undefined;
}

const toolResults = (r: FakeRequest): string[] => r.messages.filter((m) => m.role === "tool").map((m) => m.text);
const launchedId = (text: string): string | undefined => /Launched agent ([a-z0-9-]+)|"agent_id":\s*"([a-z0-9-]+)"/.exec(text)?.slice(1).find(Boolean);

describe("budgets over a tree of servers", () => {
  // A server whose session budget is the tree's, and two sub-agents (siblings) that have each answered once.
  async function siblings(): Promise<{ s: E2E; ids: string[] }> {
    configHome = mkdtempSync(join(tmpdir(), "tree-budget-config-"));
    mkdirSync(join(configHome, "subagent-mcp"), { recursive: true });
    // The tree's budget. Against the fake model a Claude Code turn that says one line spends some
    // 4,500 tokens and one that launches and waits some 14,000: the first sibling's tree (its own two
    // turns and its nested agent's) spends more than all of it; its nested agent, launched at under
    // half, fits.
    writeFileSync(join(configHome, "subagent-mcp", "config.json"), JSON.stringify({ budgets: { session: { max_tokens: 20_000 } } }));
    const s = (e = await startE2E({ XDG_CONFIG_HOME: configHome, ENABLE_TOOL_SEARCH: "false" }));
    const setup = await execa(process.execPath, [bin, "setup", "--host", "claude"], { cwd: s.env.cwd, env: s.env.env, extendEnv: false, reject: false });
    expect(setup.exitCode, setup.stderr).toBe(0);
    // Each sibling's model launches a nested Claude agent on the server its own CLI started, and waits for it.
    s.fakes.claude.script((r, nonce) => {
      if (!r.lastUserText.includes("Delegate")) return undefined;
      const results = toolResults(r);
      // "Delegate slowly": the nested agent streams its answer over a minute.
      const prompt = r.lastUserText.includes("slowly") ? "[[slow:60000]] nested slow work" : "nested work";
      if (results.length === 0) return { kind: "tool", name: "mcp__subagent-mcp__launch_agent", input: { provider: "claude", prompt } };
      const id = launchedId(results[0] ?? "");
      if (results.length === 1 && id !== undefined) return { kind: "tool", name: "mcp__subagent-mcp__wait", input: { agent_ids: [id], timeout_s: 60 } };
      return { kind: "text", text: `${nonce} delegated: ${results.join(" | ").slice(0, 2000)}` };
    });
    const tools = ["mcp__subagent-mcp__launch_agent", "mcp__subagent-mcp__wait"];
    // Both launched at once: each sub-agent's environment says the whole budget is left.
    const [first, second] = await Promise.all(
      ["first", "second"].map((label) => s.call<{ agent_id: string }>("launch_agent", { provider: "claude", label, prompt: "hold", allowed_tools: tools })),
    );
    const ids = [first?.agent_id ?? "", second?.agent_id ?? ""];
    await Promise.all(ids.map((agent_id) => s.call("wait", { agent_ids: [agent_id], timeout_s: 60 })));
    return { s, ids };
  }

  async function delegate(s: E2E, agent_id: string, message = "Delegate the work"): Promise<string> {
    await s.call("send_message", { agent_id, message });
    const done = await s.call<{ finished: { result: string }[] }>("wait", { agent_ids: [agent_id], timeout_s: 120 });
    return done.finished[0]?.result ?? "";
  }

  it(
    "two sibling sub-agents share the session's budget live: once the first one's tree spent it, the second one starts nothing",
    { timeout: 240_000 },
    async () => {
      const { s, ids } = await siblings();
      const one = await delegate(s, ids[0] ?? "");
      expect(one, one).toMatch(/"status":"finished"/);
      expect(one).not.toMatch(/agent tree/);
      // The second sibling's launch is refused: the session's budget, over every agent's tree, is spent, with the numbers.
      const two = await delegate(s, ids[1] ?? "");
      expect(two, two).toContain(`${s.fakes.claude.nonce} delegated:`);
      expect(two, two).toMatch(/the session budget is spent \(max_tokens 20000 tokens: \d+ tokens spent \(\d+ %\)\)/);
      expect(two).not.toMatch(/"agent_id"/);
    },
  );

  it("a nested agent at work is stopped when its sibling's tree spends what was left of the tree's budget", { timeout: 240_000 }, async () => {
    const { s, ids } = await siblings();
    // The second sibling's nested agent starts first, within the budget, on a turn of a minute.
    await s.call("send_message", { agent_id: ids[1], message: "Delegate slowly" });
    await s.fakes.claude.waitForRequest((r) => r.lastUserText.includes("nested slow work"), "the second sibling's nested agent at work", 60_000);
    // Meanwhile the first sibling's tree spends the rest (its nested agent launched within what was left).
    expect(await delegate(s, ids[0] ?? "")).toMatch(/"status":"finished"/);
    // The one server stops the turn of the agent the second sibling started, as the agent's own budget would.
    const done = await s.call<{ finished: { result: string }[] }>("wait", { agent_ids: [ids[1]], timeout_s: 120 });
    const two = done.finished[0]?.result ?? "";
    expect(two, two).toMatch(/\[stopped: budget of this session: the session budget: max_tokens 20000 tokens: \d+ tokens spent \(\d+ %\)\]/);
    expect(two).toMatch(/"interrupted":true/);
  });

  it("a nested server spends at most what its sub-agent had left, whatever its own config says", { timeout: 120_000 }, async () => {
    configHome = mkdtempSync(join(tmpdir(), "tree-budget-config-"));
    mkdirSync(join(configHome, "subagent-mcp"), { recursive: true });
    writeFileSync(join(configHome, "subagent-mcp", "config.json"), JSON.stringify({ budgets: { session: { max_turns: 10 } } }));
    // The server a sub-agent's CLI started, that sub-agent having one turn left.
    const s = (e = await startE2E({
      XDG_CONFIG_HOME: configHome,
      SUBAGENT_MCP_DEPTH: "1",
      SUBAGENT_MCP_PERMISSION_CEILING: "default",
      SUBAGENT_MCP_BUDGET_LEFT: JSON.stringify({ max_turns: 1 }),
    }));
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "first", budget: { max_turns: 5 } });
    // Its agent gets at most what is left, not the five turns asked for.
    expect((await s.call<Poll>("poll_agent", { agent_id })).budget?.limits).toMatchObject({ max_turns: 1 });
    await s.call("wait", { agent_ids: [agent_id], timeout_s: 60 });
    const refused = await errorOf(s, "launch_agent", { provider: "claude", prompt: "second" });
    expect(refused).toContain("inherited from the sub-agent it runs under");
  });

  it("under a real Codex sub-agent, the server its CLI starts caps its agents at what the sub-agent had left", { timeout: 150_000 }, async () => {
    // The nested server finds the codex executable on PATH, as a user's would.
    const s = (e = await startE2E({ PATH: `${dirname(cliExecutable("codex"))}:${process.env.PATH ?? ""}` }));
    const setup = await execa(process.execPath, [bin, "setup", "--host", "codex"], { cwd: s.env.cwd, env: s.env.env, extendEnv: false, reject: false });
    expect(setup.exitCode, setup.stderr).toBe(0);
    // The sub-agent's model starts a grandchild asking for 50 turns, then reads its budget back.
    s.fakes.codex.script((r, nonce) => {
      if (!r.lastUserText.includes("delegate")) return undefined;
      // Codex finds MCP tools by a tool search first ("found: ..."): only our tools' answers count.
      const results = r.messages.filter((m) => m.role === "tool" && !m.text.startsWith("found:")).map((m) => m.text);
      if (results.length === 0)
        return {
          kind: "tool",
          name: "mcp__subagent_mcp__launch_agent",
          input: { provider: "codex", model: "gpt-5.5", prompt: "grandchild", budget: { max_turns: 50 } },
        };
      if (results.length === 1) {
        const id = /agent[ _"id:]*([0-9a-f]{8})/.exec(results[0] ?? "")?.[1] ?? "missing";
        return { kind: "tool", name: "mcp__subagent_mcp__poll_agent", input: { agent_id: id } };
      }
      return { kind: "text", text: `${nonce} polled: ${results[1] ?? ""}` };
    });
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "codex",
      model: "gpt-5.5",
      prompt: "delegate",
      budget: { max_turns: 3 },
    });
    const done = await s.call<{ finished: { result: string }[] }>("wait", { agent_ids: [agent_id], timeout_s: 120 });
    const result = done.finished[0]?.result ?? "";
    expect(result).toContain(`${s.fakes.codex.nonce} polled:`);
    expect(result, result).toMatch(/max_turns"?:\s*3\b/);
    expect(result).not.toMatch(/max_turns"?:\s*50\b/);
  });
});
