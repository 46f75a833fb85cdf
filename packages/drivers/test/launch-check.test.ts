import { describe, expect, it } from "vitest";
import { acpPermissionRequest } from "../src/acp/acp-permission.js";
import { claudePermissionRequest } from "../src/claude/claude-permission.js";

// A launch_agent call that carries a check is asked about as the shell command its server will run, in every CLI's shape.
const check = `pnpm test && ${"x".repeat(3_000)}`;
const args = { prompt: "fix it", provider: "codex", escalate: { on: "check", check } };

describe("a launch with a check, normalized", () => {
  it("Claude Code: kind shell, the check in full as its command", () => {
    const request = claudePermissionRequest("1", "mcp__subagent-mcp__launch_agent", args);
    expect(request).toMatchObject({ tool: "mcp__subagent-mcp__launch_agent", kind: "shell", command: check });
    expect(claudePermissionRequest("2", "mcp__subagent-mcp__launch_agent", { prompt: "x" })).toMatchObject({ kind: "mcp" });
    expect(claudePermissionRequest("3", "mcp__other__invoke", args)).toMatchObject({ kind: "mcp" });
  });

  it("ACP: from rawInput (Qwen Code), or from the arguments Gemini CLI shows as the call's text", () => {
    const qwen = acpPermissionRequest("1", { toolCallId: "c1", title: "launch_agent", rawInput: args, _meta: { toolName: "mcp__subagent-mcp__launch_agent" } });
    expect(qwen).toMatchObject({ tool: "mcp__subagent-mcp__launch_agent", kind: "shell", command: check });
    const small = { prompt: "fix it", escalate: { on: "check", check: "pnpm test" } };
    const gemini = acpPermissionRequest("2", {
      toolCallId: "mcp_subagent-mcp_launch_agent__mcp_subagent-mcp_launch_agent_1_0",
      title: "launch_agent",
      kind: "other",
      content: [{ type: "content", content: { type: "text", text: JSON.stringify(small) } }],
    });
    expect(gemini).toMatchObject({ tool: "mcp__subagent-mcp__launch_agent", kind: "shell", command: "pnpm test" });
  });
});
