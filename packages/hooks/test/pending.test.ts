import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { modeFile, setOrchestrating } from "../src/mode.js";
import { pendingFile, readPending, removePending, writePending, type Pending } from "../src/pending.js";
import { claudeHook, codexHook, DIRECTIVE, geminiHook, type HookContext } from "../src/handlers.js";
import { pendingDigest, stopReason } from "../src/waiting.js";

const empty = (over: Partial<Pending> = {}): Pending => ({
  server_pid: process.pid,
  updated_at: new Date().toISOString(),
  running: [],
  permission_requests: [],
  unread: [],
  messages_waiting: 0,
  ...over,
});

describe("what waits for an orchestrator, published for its hooks", () => {
  it("is keyed like orchestration mode (per session, else per project), written 0600, and read session first", () => {
    const state = mkdtempSync(join(tmpdir(), "pending-state-"));
    const cwd = mkdtempSync(join(tmpdir(), "pending-cwd-"));
    expect(pendingFile(state, cwd, "s1").split("/").at(-1)).toBe(modeFile(state, cwd, "s1").split("/").at(-1));
    expect(pendingFile(state, cwd).split("/").at(-1)).toBe(modeFile(state, cwd).split("/").at(-1));
    expect(pendingFile(state, cwd, "")).toBe(pendingFile(state, cwd));
    expect(readPending(state, cwd)).toBeUndefined();
    writePending(pendingFile(state, cwd), empty({ unread: ["p1"] }));
    writePending(pendingFile(state, cwd, "s1"), empty({ unread: ["s1-agent"] }));
    expect(statSync(pendingFile(state, cwd, "s1")).mode & 0o777).toBe(0o600);
    expect(readPending(state, cwd, "s1")?.unread).toEqual(["s1-agent"]);
    // A session whose server published nothing reads its project's.
    expect(readPending(state, cwd, "s2")?.unread).toEqual(["p1"]);
    expect(readPending(state, cwd)?.unread).toEqual(["p1"]);
  });

  it("ignores a file whose server is gone, and a server removes only its own file", () => {
    const state = mkdtempSync(join(tmpdir(), "pending-state-"));
    const cwd = mkdtempSync(join(tmpdir(), "pending-cwd-"));
    // A process that has ended: its pid names no server.
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    writePending(pendingFile(state, cwd), empty({ server_pid: Number(gone), unread: ["x"] }));
    expect(readPending(state, cwd)).toBeUndefined();
    removePending(pendingFile(state, cwd));
    expect(existsSync(pendingFile(state, cwd))).toBe(true);
    removePending(pendingFile(state, cwd), Number(gone));
    expect(existsSync(pendingFile(state, cwd))).toBe(false);
  });

  it("ignores a file whose server pid now names another process (its start time differs)", () => {
    const state = mkdtempSync(join(tmpdir(), "pending-state-"));
    const cwd = mkdtempSync(join(tmpdir(), "pending-cwd-"));
    writePending(pendingFile(state, cwd), empty({ unread: ["x"] }));
    expect(readPending(state, cwd)?.server_start).toMatch(/^\d+$/);
    writePending(pendingFile(state, cwd), empty({ server_start: "1", unread: ["x"] }));
    expect(readPending(state, cwd)).toBeUndefined();
  });

  it("words the digest and the reason to go on", () => {
    expect(pendingDigest(empty())).toBeUndefined();
    expect(stopReason(empty())).toBeUndefined();
    const busy = empty({
      running: [{ agent_id: "a1", label: "tests", status: "processing" }],
      permission_requests: [{ agent_id: "a2", request_id: "r9", summary: "Bash: rm -rf build" }],
      unread: ["a3", "a4", "a1"],
      messages_waiting: 1,
    });
    expect(pendingDigest(busy)).toBe(
      "subagent-mcp: 2 sub-agents finished and not read yet (wait), 1 sub-agent still running (wait), 1 permission request (respond_permission), 1 message (inbox).",
    );
    const reason = stopReason(busy) ?? "";
    for (const part of ["a1 (tests)", "call wait", "a2 asks permission (request r9): Bash: rm -rf build", "respond_permission", "a3, a4", "inbox"]) {
      expect(reason).toContain(part);
    }
  });
});

describe("stop and session-start hooks", () => {
  const state = mkdtempSync(join(tmpdir(), "stop-state-"));
  const cwd = mkdtempSync(join(tmpdir(), "stop-cwd-"));
  const ctx = (env: Record<string, string> = {}): HookContext => ({ stateDir: state, env, poolAgents: () => [] });
  const busy = empty({ running: [{ agent_id: "a1", status: "processing" }] });

  it("block a stop while sub-agents run, in every host's stop event, but never when stop_hook_active", () => {
    setOrchestrating(state, cwd, true);
    writePending(pendingFile(state, cwd), busy);
    const block = { decision: "block", reason: expect.stringContaining("Still running: a1") as string };
    expect(claudeHook({ hook_event_name: "Stop", cwd, stop_hook_active: false }, ctx())).toEqual(block);
    expect(codexHook({ hook_event_name: "Stop", cwd, stop_hook_active: false }, ctx())).toEqual(block);
    expect(geminiHook({ hook_event_name: "AfterAgent", cwd, stop_hook_active: false }, ctx())).toEqual(block);
    expect(claudeHook({ hook_event_name: "Stop", cwd, stop_hook_active: true }, ctx())).toBeUndefined();
    expect(codexHook({ hook_event_name: "Stop", cwd, stop_hook_active: true }, ctx())).toBeUndefined();
    expect(geminiHook({ hook_event_name: "AfterAgent", cwd, stop_hook_active: true }, ctx())).toBeUndefined();
    // Claude Code's stop event is not Gemini CLI's.
    expect(geminiHook({ hook_event_name: "Stop", cwd }, ctx())).toBeUndefined();
    expect(claudeHook({ hook_event_name: "Stop", cwd }, ctx({ SUBAGENT_MCP_DEPTH: "1" }))).toBeUndefined();
  });

  it("let a stop through when nothing waits, no server published, or orchestration mode is off", () => {
    setOrchestrating(state, cwd, true);
    writePending(pendingFile(state, cwd), empty());
    expect(claudeHook({ hook_event_name: "Stop", cwd }, ctx())).toBeUndefined();
    const other = mkdtempSync(join(tmpdir(), "stop-cwd-"));
    setOrchestrating(state, other, true);
    expect(claudeHook({ hook_event_name: "Stop", cwd: other }, ctx())).toBeUndefined();
    writePending(pendingFile(state, cwd), busy);
    setOrchestrating(state, cwd, false);
    expect(claudeHook({ hook_event_name: "Stop", cwd }, ctx())).toBeUndefined();
    expect(claudeHook({ hook_event_name: "SessionStart", cwd }, ctx())).toBeUndefined();
  });

  it("add the digest to the prompt's directive and to a session's start, only while something waits", () => {
    setOrchestrating(state, cwd, true);
    writePending(pendingFile(state, cwd), busy);
    expect(claudeHook({ hook_event_name: "UserPromptSubmit", cwd }, ctx())).toEqual({
      hookSpecificOutput: { hookEventName: "UserPromptSubmit", additionalContext: `${DIRECTIVE}\nsubagent-mcp: 1 sub-agent still running (wait).` },
    });
    expect(geminiHook({ hook_event_name: "SessionStart", cwd }, ctx())).toEqual({
      hookSpecificOutput: { hookEventName: "SessionStart", additionalContext: "subagent-mcp: 1 sub-agent still running (wait)." },
    });
    writePending(pendingFile(state, cwd), empty());
    expect(codexHook({ hook_event_name: "UserPromptSubmit", cwd }, ctx())).toEqual({
      hookSpecificOutput: { hookEventName: "UserPromptSubmit", additionalContext: DIRECTIVE },
    });
    expect(codexHook({ hook_event_name: "SessionStart", cwd }, ctx())).toBeUndefined();
  });
});
