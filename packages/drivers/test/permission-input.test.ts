import type { AgentEvent } from "@subagent-mcp/core";
import type { ToolKind } from "@agentclientprotocol/sdk";
import { describe, expect, it } from "vitest";
import { acpPermissionRequest } from "../src/acp/acp-permission.js";
import { claudePermissionRequest } from "../src/claude/claude-permission.js";
import { codexApproval } from "../src/codex/codex-permission.js";
import { boundedInput, PendingPermissions, PERMISSION_INPUT_BYTES, permissionRequest } from "../src/permissions/permissions.js";

describe("permission requests", () => {
  it("carry small input as given and large input cut to the bound", () => {
    expect(boundedInput({ command: "ls" })).toEqual({ command: "ls" });
    const big = boundedInput({ content: "é".repeat(10_000) }) as { truncated: boolean; bytes: number; json: string };
    expect(big.truncated).toBe(true);
    expect(big.bytes).toBeGreaterThan(PERMISSION_INPUT_BYTES);
    expect(Buffer.byteLength(big.json)).toBeLessThanOrEqual(PERMISSION_INPUT_BYTES);
  });

  it("are answered once, and withdrawn ones are no longer answerable", () => {
    const events: AgentEvent[] = [];
    const answers: string[] = [];
    const pending = new PendingPermissions((e) => events.push(e));
    pending.ask(permissionRequest("a", "Bash", "shell", {}, { command: "ls" }), (d) => answers.push(`a:${d.behavior}`));
    pending.ask(permissionRequest("b", "Edit", "edit", {}, { path: "/x" }), (d) => answers.push(`b:${d.behavior}`));
    expect(pending.respond("a", { behavior: "allow" })).toBe(true);
    expect(pending.respond("a", { behavior: "deny" })).toBe(false);
    pending.withdrawAll();
    expect(pending.respond("b", { behavior: "allow" })).toBe(false);
    expect(answers).toEqual(["a:allow"]);
    expect(events.map((e) => e.type)).toEqual(["permission_request", "permission_request", "permission_withdrawn"]);
  });
});

describe("each CLI's request, normalized", () => {
  it("Claude Code: its own tool names, with the command, path or url", () => {
    expect(claudePermissionRequest("1", "Bash", { command: "npm test" })).toMatchObject({ kind: "shell", command: "npm test" });
    expect(claudePermissionRequest("2", "Edit", { file_path: "/w/a.ts" })).toMatchObject({ kind: "edit", path: "/w/a.ts" });
    expect(claudePermissionRequest("3", "WebFetch", { url: "https://x.test" })).toMatchObject({ kind: "fetch", url: "https://x.test" });
    expect(claudePermissionRequest("4", "mcp__srv__do", {})).toMatchObject({ kind: "mcp", tool: "mcp__srv__do" });
  });

  it("ACP: Gemini CLI's tool names in Claude Code's naming", () => {
    const call = (toolCallId: string, kind: ToolKind, title: string) => ({ toolCallId, kind, title, locations: [{ path: "/w/f" }] });
    expect(acpPermissionRequest("1", call("run_shell_command__run_shell_command_1_0", "execute", "ls -l"))).toMatchObject({
      tool: "Bash",
      kind: "shell",
      command: "ls -l",
    });
    expect(acpPermissionRequest("2", call("replace__replace_1_0", "edit", "Edit f"))).toMatchObject({ tool: "Edit", kind: "edit", path: "/w/f" });
    expect(acpPermissionRequest("3", call("mcp_srv_do__x_1_0", "other", "do"))).toMatchObject({ tool: "mcp__srv__do", kind: "mcp" });
  });

  it("Codex: a file change is named by its item's changes; decisions map to accept / acceptForSession / decline", () => {
    const changes = [{ path: "/w/new.txt", kind: { type: "add" } }];
    const approval = codexApproval("item/fileChange/requestApproval", { itemId: "i", turnId: "t" }, "7", () => changes);
    expect(approval?.request).toMatchObject({ requestId: "7", tool: "Write", kind: "edit", path: "/w/new.txt" });
    expect(approval?.answer({ behavior: "allow_always" })).toEqual({ decision: "acceptForSession" });
    expect(approval?.answer({ behavior: "deny", message: "no" })).toEqual({ decision: "decline" });
    expect(codexApproval("item/tool/requestUserInput", {}, "8", () => [])).toBeUndefined();
  });
});
