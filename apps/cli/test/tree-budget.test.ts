import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cliExecutable } from "@subagent-mcp/testkit";
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

describe("budgets over a tree of servers", () => {
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
