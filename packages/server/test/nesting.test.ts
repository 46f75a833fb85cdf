import { afterEach, describe, expect, it } from "vitest";
import type { PoolDefinition } from "@subagent-mcp/config";
import { poolDefinition, serverHarness, type ServerHarness } from "./harness.js";

interface Finished {
  agent_id: string;
  result: string;
}

const def = (name: string, extra: Partial<PoolDefinition> = {}): PoolDefinition => poolDefinition(name, "codex", extra);

// The sub-agent's shell shows what it inherited.
const SHOW = "[[shell:echo depth=$SUBAGENT_MCP_DEPTH max=$SUBAGENT_MCP_MAX_DEPTH ceiling=$SUBAGENT_MCP_PERMISSION_CEILING tools=$SUBAGENT_MCP_TOOLS_CEILING]]";

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("a nested server keeps within what it was given", () => {
  it("refuses to launch a sub-agent with more permissions or tools than its ceiling", async () => {
    h = await serverHarness({ server: { depth: 1, maxDepth: 3, ceiling: { level: "default", tools: ["Read"] } } });
    const above = await h.callError("launch_agent", { provider: "codex", prompt: "x", permission_mode: "bypassPermissions" });
    expect(above).toContain('launch_agent: permission mode "bypassPermissions" is more than this agent was given (default)');
    const tools = await h.callError("launch_agent", { provider: "codex", prompt: "x", allowed_tools: ["Read", "Bash"] });
    expect(tools).toContain("allowed tools Bash go beyond what this agent was allowed (Read)");
    expect(h.supervisor.list()).toEqual([]);
  });

  it("invoke and warmup at the deepest level are refused like launch_agent", async () => {
    h = await serverHarness({ server: { depth: 2, maxDepth: 2, definitions: () => ({ definitions: [def("deep")], problems: [] }) } });
    for (const [tool, args] of [
      ["invoke", { agent: "deep", task: "hello" }],
      ["warmup", { agent: "deep" }],
      ["launch_agent", { provider: "codex", prompt: "x" }],
    ] as const) {
      expect(await h.callError(tool, args)).toContain("sub-agents may nest 2 levels deep and this server is at depth 2");
    }
    expect(h.supervisor.list()).toEqual([]);
  });

  it("a pool definition asking for more than the ceiling is refused, naming its file", async () => {
    h = await serverHarness({
      server: {
        depth: 1,
        ceiling: { level: "acceptEdits", tools: [] },
        definitions: () => ({ definitions: [def("root", { permissionMode: "bypassPermissions" })], problems: [] }),
      },
    });
    expect(await h.callError("invoke", { agent: "root", task: "x" })).toContain(
      '/defs/root.md (pool agent "root"): permission mode "bypassPermissions" is more than this agent was given (acceptEdits)',
    );
    expect(await h.callError("warmup", { agent: "root" })).toContain("is more than this agent was given");
  });

  it("pool replicas run one level deeper, with their own grant as ceiling", async () => {
    h = await serverHarness({
      server: {
        depth: 1,
        maxDepth: 3,
        ceiling: { level: "bypassPermissions", tools: undefined },
        definitions: () => ({ definitions: [def("shell", { permissionMode: "bypassPermissions" })], problems: [] }),
      },
    });
    const out = await h.call<{ result: string }>("invoke", { agent: "shell", task: SHOW, timeout_s: 60 });
    expect(out.result).toContain("depth=2 max=3 ceiling=bypassPermissions tools=*");
  });

  it("a launched sub-agent's environment says only its depth: the one server of its tree knows its limit and grant", async () => {
    h = await serverHarness({ server: { depth: 0, maxDepth: 2 } });
    const launched = await h.call<{ agent_id: string }>("launch_agent", {
      provider: "codex",
      model: "gpt-5.5",
      prompt: SHOW,
      permission_mode: "danger-full-access",
    });
    const done = await h.call<{ finished: Finished[] }>("wait", { agent_ids: [launched.agent_id], timeout_s: 60 });
    expect(done.finished[0]?.result).toContain("depth=1 max= ceiling= tools=");
  });
});
