import { describe, expect, it } from "vitest";
import { acpResult } from "../src/acp/acp-exit.js";

// The exact finished updates the pinned CLIs sent for shell calls (captured from their ACP output
// against the fake), minus the fields the exit code does not depend on.
const text = (t: string): { type: "content"; content: { type: "text"; text: string } }[] => [{ type: "content", content: { type: "text", text: t } }];
const gemini = (t: string, status = "completed") => ({ toolCallId: "run_shell_command_1", title: "cmd", kind: "execute", status, content: text(t) });
const exitOf = (provider: string, update: Parameters<typeof acpResult>[1]) => acpResult(provider, update).exitCode;

describe("Gemini CLI (--debug): the trailer of its shell text", () => {
  it.each([
    ["exit 3", "Output: (empty)\nExit Code: 3\nProcess Group PGID: 21797", 3],
    ["true", "Output: (empty)\nProcess Group PGID: 21800", 0],
    ["echo hi", "Output: hi\nProcess Group PGID: 21803", 0],
    ["output then exit 4", "Output: out\nExit Code: 4\nProcess Group PGID: 21806", 4],
    ["stderr then exit 6", "Output: err\nExit Code: 6\nProcess Group PGID: 21826", 6],
    ["a missing command", "Output: /usr/bin/bash: line 4: nonexistent-cmd-xyz: command not found\nExit Code: 127\nProcess Group PGID: 21832", 127],
    ["killed by a signal", "Output: (empty)\nSignal: 15\nProcess Group PGID: 21829", null],
    ["an error line before the code", "Output: (empty)\nError: spawn failed\nExit Code: 1\nProcess Group PGID: 7", 1],
    ["background pids after", "Output: x\nExit Code: 2\nBackground PIDs: 41, 42\nProcess Group PGID: 40", 2],
    ["an output line that looks like a code, then exit 0", "Output: Exit Code: 9\nnot the end\nProcess Group PGID: 9", 0],
  ])("%s", (_, t, code) => {
    expect(exitOf("gemini", gemini(t))).toBe(code);
  });

  it("says nothing where it states nothing: no debug mode (empty content), a cancel, a failed call", () => {
    expect(exitOf("gemini", { toolCallId: "a", status: "completed", content: [] })).toBeUndefined();
    expect(exitOf("gemini", gemini("Command was cancelled by user before it could complete. There was no output before it was cancelled."))).toBeUndefined();
    expect(exitOf("gemini", gemini("Output: x\nExit Code: 3\nProcess Group PGID: 1", "failed"))).toBeUndefined();
    expect(exitOf("gemini", gemini("Output: x\nExit Code: 3"))).toBeUndefined();
    expect(acpResult("gemini", { toolCallId: "a", status: "completed", content: [] })).not.toHaveProperty("exitCode");
  });
});

describe("Qwen Code: its shell_result rawOutput", () => {
  const qwen = (exitCode: number | null, signal: number | null, status = "failed") => ({
    toolCallId: "call_1",
    status,
    content: text(
      `Command: x\nDirectory: (root)\nOutput: (empty)\nError: (none)\nExit Code: ${exitCode}\nSignal: ${signal ?? "(none)"}\nProcess Group PGID: 1`,
    ),
    rawOutput: {
      type: "shell_result",
      version: 1,
      text: "",
      output: "",
      directory: "/w",
      exitCode,
      signal,
      pid: 1,
      error: null,
      outcome: status,
      notices: [],
      truncated: false,
      outputFiles: [],
    },
  });
  it("the code, 0 included; null when a signal ended it (Qwen Code then says 0)", () => {
    expect(exitOf("qwen", qwen(3, null))).toBe(3);
    expect(exitOf("qwen", qwen(0, null, "completed"))).toBe(0);
    expect(exitOf("qwen", qwen(0, 15))).toBeNull();
    expect(exitOf("qwen", { toolCallId: "r", status: "completed", content: text("Exit Code: 3"), rawOutput: { content: "file" } })).toBeUndefined();
  });
});

describe("OpenCode: its bash rawOutput metadata", () => {
  const opencode = (exit: number | null, output = "(no output)") => ({
    toolCallId: "call_1",
    status: "completed",
    content: text(output),
    rawOutput: { output, metadata: { output, exit, truncated: false } },
  });
  it("the code, 0 included; null when OpenCode ended it", () => {
    expect(exitOf("opencode", opencode(3))).toBe(3);
    expect(exitOf("opencode", opencode(0, "hi\n"))).toBe(0);
    expect(
      exitOf(
        "opencode",
        opencode(null, "(no output)\n\n<shell_metadata>\nshell tool terminated command after exceeding timeout 120000 ms.\n</shell_metadata>"),
      ),
    ).toBeNull();
    expect(
      exitOf("opencode", { toolCallId: "r", status: "completed", content: text("x"), rawOutput: { output: "x", metadata: { preview: "x" } } }),
    ).toBeUndefined();
  });
});

it("another agent: only the structured formats, never its text", () => {
  expect(exitOf("house", { toolCallId: "a", status: "completed", content: text("Exit Code: 3") })).toBeUndefined();
  expect(exitOf("house", { toolCallId: "a", status: "completed", rawOutput: { output: "", metadata: { exit: 2 } } })).toBe(2);
  expect(exitOf("house", { toolCallId: "a", status: "failed", rawOutput: { type: "shell_result", exitCode: 0, signal: 9 } })).toBeNull();
});
