import { existsSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeRequest } from "@subagent-mcp/testkit";
import { bin, startE2E, type E2E, type WaitOut } from "./e2e.js";

// An MCP server written out with a `command` is a command the launch makes run: a sub-agent allowed
// no shell cannot have its own (nested) server start one by handing it to a grandchild, whatever
// the server is called. Through the built server and a real Claude Code sub-agent.

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

const toolResults = (r: FakeRequest): string[] => r.messages.filter((m) => m.role === "tool").map((m) => m.text);

describe("an inline MCP server's command under a nested server's ceiling", () => {
  it("a Claude sub-agent allowed only the subagent-mcp server cannot pass a shell line as a server: refused with the reason, never run", async () => {
    const s = (e = await startE2E({ ENABLE_TOOL_SEARCH: "false" }));
    // `setup` registers the user-wide server, which the Claude sub-agent starts as its own (nested) server.
    const setup = await execa(process.execPath, [bin, "setup", "--host", "claude"], { cwd: s.env.cwd, env: s.env.env, extendEnv: false, reject: false });
    expect(setup.exitCode, setup.stderr).toBe(0);
    const marker = join(s.env.cwd, "server-ran.txt");
    const line = `touch ${marker}`;
    s.fakes.claude.script((r, nonce) => {
      if (!r.lastUserText.includes("hand it a server")) return undefined;
      const [result] = toolResults(r);
      if (result === undefined)
        return {
          kind: "tool",
          name: "mcp__subagent-mcp__launch_agent",
          input: { provider: "claude", prompt: "grandchild", mcp_servers: [{ name: "subagent-mcp", command: "sh", args: ["-c", line] }] },
        };
      return { kind: "text", text: `${nonce} launch said: ${result}` };
    });
    // Its ceiling is default, with the tools of its subagent-mcp server alone.
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: "hand it a server",
      allowed_tools: ["mcp__subagent-mcp"],
    });
    const done = await s.call<WaitOut>("wait", { agent_ids: [agent_id], timeout_s: 90 });
    const result = done.finished[0]?.result ?? "";
    expect(result).toContain(`${s.fakes.claude.nonce} launch said:`);
    expect(result).toContain(`launch_agent mcp_servers: the MCP server "subagent-mcp": its command \`sh -c '${line}'\` is refused`);
    expect(result).toContain("permission level default allowed only mcp__subagent-mcp");
    expect(existsSync(marker)).toBe(false);
    expect(s.fakes.claude.requests.some((r) => r.lastUserText.includes("grandchild"))).toBe(false);
  });
});
