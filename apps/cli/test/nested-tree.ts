import { execa } from "execa";
import { expect } from "vitest";
import type { FakeRequest } from "@subagent-mcp/testkit";
import { bin, type E2E } from "./e2e.js";

// A real agent tree: a Claude sub-agent of the test's server launches a nested Claude agent on the
// subagent-mcp server its own CLI started (registered by `setup`, the same state dir), waits for it
// and answers. The nested agent has a budget of one turn, so it stops at its budget after it.

/** What {@link nestedTree} made. */
export interface NestedTree {
  parent: string;
  child: string;
}

const toolResults = (r: FakeRequest): string[] => r.messages.filter((m) => m.role === "tool").map((m) => m.text);
const launchedId = (text: string): string | undefined => /Launched agent ([a-z0-9-]+)|"agent_id":\s*"([a-z0-9-]+)"/.exec(text)?.slice(1).find(Boolean);

/** `s` started with ENABLE_TOOL_SEARCH=false (Claude Code then offers our tools by name). */
export async function nestedTree(s: E2E, label = "lead"): Promise<NestedTree> {
  const setup = await execa(process.execPath, [bin, "setup", "--host", "claude"], { cwd: s.env.cwd, env: s.env.env, extendEnv: false, reject: false });
  expect(setup.exitCode, setup.stderr).toBe(0);
  let child: string | undefined;
  s.fakes.claude.script((r, nonce) => {
    if (!r.lastUserText.includes("Delegate the docs review")) return undefined;
    const results = toolResults(r);
    if (results.length === 0)
      return {
        kind: "tool",
        name: "mcp__subagent-mcp__launch_agent",
        input: { provider: "claude", label: "docs-child", prompt: "Review the nested docs", budget: { max_turns: 1 } },
      };
    child ??= launchedId(results[0] ?? "");
    if (results.length === 1 && child !== undefined) return { kind: "tool", name: "mcp__subagent-mcp__wait", input: { agent_ids: [child], timeout_s: 60 } };
    return { kind: "text", text: `${nonce} delegated: ${results.join(" | ").slice(0, 300)}` };
  });
  const { agent_id: parent } = await s.call<{ agent_id: string }>("launch_agent", {
    provider: "claude",
    label,
    prompt: "Delegate the docs review to a nested agent",
    allowed_tools: ["mcp__subagent-mcp__launch_agent", "mcp__subagent-mcp__wait"],
  });
  const done = await s.call<{ finished: { result: string }[] }>("wait", { agent_ids: [parent], timeout_s: 90 });
  const result = done.finished[0]?.result ?? "";
  expect(result, result).toContain(`${s.fakes.claude.nonce} delegated:`);
  expect(child, result).toBeDefined();
  return { parent, child: child ?? "" };
}
