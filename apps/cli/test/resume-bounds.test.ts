import { afterEach, describe, expect, it } from "vitest";
import { connectServer, startE2E, waitFor, type E2E, type Served } from "./e2e.js";

// A resume keeps the bounds of the launch: the budget it was given (less what it spent) and the
// ceiling of the server doing the resume, which also bounds the journaled allow rules.

let e: E2E | undefined;
const others: Served[] = [];
afterEach(async () => {
  for (const o of others.splice(0)) await o.close();
  await e?.close();
  e = undefined;
});

async function refusal(s: Pick<Served, "client">, args: Record<string, unknown>): Promise<string> {
  const result = await s.client.callTool({ name: "resume_agent", arguments: args });
  expect(result.isError).toBe(true);
  return JSON.stringify(result.content);
}

describe("resume_agent keeps the launch's bounds", () => {
  it("an agent killed at its max_turns is not resumed with a fresh budget; given more, it is", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "one", budget: { max_turns: 1 } });
    await waitFor(s, agent_id, (out) => out.finished[0]);
    await s.call("kill_agent", { agent_id });
    const why = await refusal(s, { agent_id });
    expect(why).toContain("used its budget: max_turns 1 turns (1 turns spent)");
    const resumed = await s.call<{ agent_id: string; how: string }>("resume_agent", { agent_id, budget: { max_turns: 1 } });
    expect(resumed.how).toBe("resumed");
    const turn = await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(turn.is_error).toBe(false);
    // That life's one turn is spent too: another resume is refused again.
    await s.call("kill_agent", { agent_id });
    expect(await refusal(s, { agent_id })).toContain("used its budget");
  });

  it("a server under a ceiling of default with no tools refuses to resume an agent journaled with allow Bash", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    // Two nested servers under the same sub-agent (one lineage): the first may grant Bash, the second may not.
    const nested = (ceiling: string, tools: string) =>
      connectServer(
        {
          ...s.serverEnv,
          SUBAGENT_MCP_DEPTH: "1",
          SUBAGENT_MCP_MAX_DEPTH: "3",
          SUBAGENT_MCP_AGENT_NAME: "nested-parent",
          SUBAGENT_MCP_LINEAGE: "nested-parent",
          SUBAGENT_MCP_PERMISSION_CEILING: ceiling,
          SUBAGENT_MCP_TOOLS_CEILING: tools,
        },
        s.env.cwd,
        "nested",
      );
    const wider = await nested("acceptEdits", "*");
    others.push(wider);
    const wide = await wider.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "one", permissions: { allow: ["Bash"] } });
    const plain = await wider.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "two" });
    for (const id of [wide.agent_id, plain.agent_id]) {
      await waitFor(wider, id, (out) => out.finished[0]);
      await wider.call("kill_agent", { agent_id: id });
    }
    // The first server goes; a narrower one of the same lineage picks up the journal.
    await wider.client.close();
    const narrower = await nested("default", "[]");
    others.push(narrower);
    const why = await refusal(narrower, { agent_id: wide.agent_id });
    expect(why).toContain("permissions.allow");
    expect(why).toContain("beyond what this agent was allowed");
    // One that was granted nothing beyond it resumes there (its messaging tools are ours, not grants).
    const resumed = await narrower.call<{ how: string }>("resume_agent", { agent_id: plain.agent_id });
    expect(resumed.how).toBe("resumed");
  });
});
