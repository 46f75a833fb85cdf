import { describe, expect, it } from "vitest";
import { acpExitCode, acpToolFacts, claudeExitCode, claudeToolFacts, codexCommand } from "../src/permissions/tool-kinds.js";

// What each CLI's tool names and results mean to a receipt (the CLIs' own output is in *-tool-facts.test.ts).
describe("tool kinds", () => {
  it("Claude Code: built-in tools by name, MCP tools by their mcp__server__tool name", () => {
    expect(claudeToolFacts("Bash", { command: "ls" })).toEqual({ kind: "shell", command: "ls" });
    expect(claudeToolFacts("MultiEdit", { file_path: "/a.ts" })).toEqual({ kind: "edit", paths: ["/a.ts"] });
    expect(claudeToolFacts("NotebookEdit", { notebook_path: "/n.ipynb" })).toEqual({ kind: "edit", paths: ["/n.ipynb"] });
    expect(claudeToolFacts("Glob", {})).toEqual({ kind: "search" });
    expect(claudeToolFacts("WebFetch", {})).toEqual({ kind: "web" });
    expect(claudeToolFacts("mcp__subagent-mcp__launch_agent", {})).toEqual({ kind: "mcp", server: "subagent-mcp" });
    expect(claudeToolFacts("Task", {})).toEqual({ kind: "other" });
  });

  it("Claude Code: a Bash exit code from its result", () => {
    expect(claudeExitCode("hi", false)).toBe(0);
    expect(claudeExitCode("Exit code 3\nhi", true)).toBe(3);
    expect(claudeExitCode([{ type: "text", text: "Exit code 127\nnot found" }], true)).toBe(127);
    expect(claudeExitCode("Command timed out", true)).toBeNull();
  });

  it("Codex: the command the model wrote, out of its bash -lc wrapper", () => {
    expect(codexCommand("/bin/bash -lc true")).toBe("true");
    expect(codexCommand("/bin/bash -lc 'echo hi; exit 3'")).toBe("echo hi; exit 3");
    expect(codexCommand(`/bin/bash -lc 'echo '"'"'a'"'"' b'`)).toBe("echo 'a' b");
    expect(codexCommand(`bash -lc "echo \\"x\\""`)).toBe('echo "x"');
    expect(codexCommand("bash -lc 'a' b")).toBe("bash -lc 'a' b");
    expect(codexCommand("ls -la")).toBe("ls -la");
  });

  it("ACP: kinds, commands, paths, and MCP where the agent marks it", () => {
    expect(acpToolFacts({ kind: "execute", title: "Shell: ls", rawInput: { command: "ls" } })).toEqual({ kind: "shell", command: "ls" });
    // Gemini CLI sends no rawInput: its title is the command.
    expect(acpToolFacts({ kind: "execute", title: "exit 3" })).toEqual({ kind: "shell", command: "exit 3" });
    expect(acpToolFacts({ kind: "edit", locations: [{ path: "/w/a.txt" }] })).toEqual({ kind: "edit", paths: ["/w/a.txt"] });
    expect(acpToolFacts({ kind: "move", locations: [], rawInput: { file_path: "/w/b.txt" } })).toEqual({ kind: "edit", paths: ["/w/b.txt"] });
    expect(acpToolFacts({ kind: "fetch" })).toEqual({ kind: "web" });
    expect(acpToolFacts({ kind: "think" })).toEqual({ kind: "other" });
    expect(acpToolFacts({ kind: "other", _meta: { toolName: "mcp__srv__ping", provenance: "mcp", serverId: "srv" } })).toEqual({ kind: "mcp", server: "srv" });
  });

  it("ACP: an exit code only where the agent says it", () => {
    expect(acpExitCode({ type: "shell_result", exitCode: 3 }, [])).toBe(3);
    expect(acpExitCode({ type: "shell_result", exitCode: null }, [])).toBeNull();
    expect(acpExitCode(undefined, [{ type: "content", content: { type: "text", text: "Output: hi\nExit Code: 1\nSignal: (none)" } }])).toBe(1);
    expect(acpExitCode(undefined, [])).toBeUndefined();
  });
});
