import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claudeHook } from "../src/handlers.js";
import { isOrchestrating, setOrchestrating } from "../src/mode.js";

describe("orchestration mode per host session, else per project", () => {
  it("a session's own setting wins; a session without one follows its project", () => {
    const state = mkdtempSync(join(tmpdir(), "mode-state-"));
    const cwd = mkdtempSync(join(tmpdir(), "mode-cwd-"));
    expect(isOrchestrating(state, cwd, "s1")).toBe(false);
    setOrchestrating(state, cwd, true, "s1");
    expect([isOrchestrating(state, cwd, "s1"), isOrchestrating(state, cwd, "s2"), isOrchestrating(state, cwd)]).toEqual([true, false, false]);
    setOrchestrating(state, cwd, true);
    setOrchestrating(state, cwd, false, "s1");
    expect([isOrchestrating(state, cwd, "s1"), isOrchestrating(state, cwd, "s2"), isOrchestrating(state, cwd)]).toEqual([false, true, true]);
  });

  it("hooks read the session id the host sends", () => {
    const state = mkdtempSync(join(tmpdir(), "mode-state-"));
    const cwd = mkdtempSync(join(tmpdir(), "mode-cwd-"));
    setOrchestrating(state, cwd, true, "mine");
    const ctx = { stateDir: state, env: {}, poolAgents: () => [] };
    expect(claudeHook({ hook_event_name: "UserPromptSubmit", cwd, session_id: "mine" }, ctx)).toBeDefined();
    expect(claudeHook({ hook_event_name: "UserPromptSubmit", cwd, session_id: "other" }, ctx)).toBeUndefined();
  });
});
