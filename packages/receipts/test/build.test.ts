import { describe, expect, it } from "vitest";
import type { ReceiptFiles } from "@subagent-mcp/contract";
import type { AgentEvent, PermissionEvent, TurnClose } from "@subagent-mcp/core";
import { buildReceipt } from "../src/build.js";
import { compilePhrases } from "../src/phrases.js";
import { TurnTally } from "../src/tally.js";

const phrases = compilePhrases();
const usage = { input: 10, output: 5, cacheRead: 0, cacheWrite: 0 };
const close = (result: string, extra: Partial<TurnClose["outcome"]> = {}, more: Partial<TurnClose> = {}): TurnClose => ({
  outcome: { result, isError: false, interrupted: false, usage, costUsd: 0.01, durationMs: 1200, ...extra },
  ...more,
});
const noFiles: ReceiptFiles = { source: "git", changed: [], total: { files: 0, added: 0, removed: 0 } };
const oneFile: ReceiptFiles = {
  source: "git",
  changed: [{ path: "src/a.ts", change: "modified", added: 3, removed: 1 }],
  total: { files: 1, added: 3, removed: 1 },
};

function tally(events: AgentEvent[], permissions: PermissionEvent[] = []): TurnTally {
  const t = new TurnTally(phrases);
  for (const e of events) t.see(e);
  for (const p of permissions) t.permission(p);
  return t;
}
const shell = (id: string, command: string): AgentEvent => ({ type: "tool", name: "Bash", input: { command }, id, kind: "shell", command });
const result = (id: string, exitCode: number | null | undefined, ok = exitCode === 0): AgentEvent => ({ type: "tool_result", name: "Bash", ok, id, exitCode });

describe("receipts", () => {
  it("a success claim with no tool call is suspect, and the receipt shows zero calls", () => {
    const r = buildReceipt(phrases, { tally: tally([]), close: close("Done, all tests pass."), files: noFiles, prompt: "fix the bug", undetermined: [] });
    expect(r.tools).toEqual({ calls: 0, by_kind: {}, failed: 0 });
    expect(r.ended).toEqual({ how: "end_turn" });
    expect(r.suspect?.map((s) => s.reason)).toEqual(["no_tool_calls"]);
  });

  it("a failing test run followed by a success claim names the command and its exit code", () => {
    const t = tally([shell("a", "npx vitest run"), result("a", 1)]);
    const r = buildReceipt(phrases, { tally: t, close: close("All tests pass now."), files: oneFile, prompt: "fix it", undetermined: [] });
    expect(r.commands).toEqual([{ command: "npx vitest run", exit_code: 1, test: true }]);
    expect(r.tests).toEqual({ runs: 1, verdict: "failed", last: { command: "npx vitest run", exit_code: 1 } });
    expect(r.suspect).toEqual([{ reason: "tests_failed", evidence: 'says "All tests pass now" but the last test run `npx vitest run` exited 1' }]);
  });

  it("an edit and a passing test back the claim: no suspect", () => {
    const t = tally([
      { type: "tool", name: "Write", input: {}, id: "w", kind: "edit", paths: ["src/a.ts"] },
      { type: "tool_result", name: "Write", ok: true, id: "w" },
      shell("t", "cd app && pnpm test"),
      result("t", 0),
    ]);
    const r = buildReceipt(phrases, { tally: t, close: close("Done: fixed, tests pass."), files: oneFile, prompt: "fix add()", undetermined: [] });
    expect(r.tools.by_kind).toEqual({ edit: 1, shell: 1 });
    expect(r.tests.verdict).toBe("passed");
    expect(r.suspect).toBeUndefined();
  });

  it("a denied command followed by a success claim is suspect with the denial", () => {
    const denial: PermissionEvent = {
      agentId: "x",
      request: { requestId: "1", tool: "Bash", kind: "shell", command: "rm -rf dist", input: { command: "rm -rf dist" } },
      decision: "deny",
      by: "rule",
      rule: "Bash(rm:*)",
      reason: "denied by rule",
    };
    const t = tally([shell("a", "ls"), result("a", 0)], [denial]);
    const r = buildReceipt(phrases, { tally: t, close: close("Done."), files: noFiles, prompt: "clean the build", undetermined: [] });
    expect(r.permissions).toEqual([expect.objectContaining({ tool: "Bash", decision: "deny", by: "rule", rule: "Bash(rm:*)" })]);
    expect(r.suspect?.find((s) => s.reason === "permission_denied")?.evidence).toContain("rm -rf dist");
  });

  it("a change asked for and none made is suspect; an answer-only task is not", () => {
    const t = tally([shell("a", "cat README.md"), result("a", 0)]);
    const asked = buildReceipt(phrases, {
      tally: t,
      close: close("I have fixed the typo."),
      files: noFiles,
      prompt: "fix the typo in README",
      undetermined: [],
    });
    expect(asked.suspect?.map((s) => s.reason)).toEqual(["no_changes"]);
    const question = buildReceipt(phrases, {
      tally: t,
      close: close("Done reading: it explains setup."),
      files: noFiles,
      prompt: "what does README say?",
      undetermined: [],
    });
    expect(question.suspect).toBeUndefined();
  });

  it("says how the turn ended: max turns, budget, interrupted, killed, an error with the CLI's kind", () => {
    const t = tally([]);
    const r = (c: TurnClose) => buildReceipt(phrases, { tally: t, close: c, files: noFiles, prompt: undefined, undetermined: [] }).ended;
    expect(r(close("x", { isError: true, stop: { reason: "error_max_turns", maxTurns: true } }))).toEqual({ how: "max_turns", detail: "error_max_turns" });
    expect(r(close("x", {}, { budget: "max_tokens 1000 (spent 1200)" }))).toEqual({ how: "budget", detail: "max_tokens 1000 (spent 1200)" });
    expect(r(close("x", { interrupted: true }))).toEqual({ how: "interrupted" });
    expect(r(close("x", {}, { lost: "killed" }))).toEqual({ how: "killed" });
    expect(r(close("API Error: 500\nmore", { isError: true }))).toEqual({ how: "error", detail: "API Error: 500" });
    const early = buildReceipt(phrases, {
      tally: t,
      close: close("Done", { isError: true, stop: { reason: "error_max_turns", maxTurns: true } }),
      files: noFiles,
      prompt: undefined,
      undetermined: [],
    });
    expect(early.suspect?.map((s) => s.reason)).toContain("stopped_early");
  });

  it("a failed tool with nothing after it, an unknown exit code, commands past the cap", () => {
    const t = tally([
      { type: "tool", name: "fetch", input: {}, id: "f", kind: "web" },
      { type: "tool_result", name: "fetch", ok: false, id: "f" },
    ]);
    const r = buildReceipt(phrases, { tally: t, close: close("The task is complete."), files: noFiles, prompt: undefined, undetermined: [] });
    expect(r.suspect?.map((s) => s.reason)).toEqual(["tool_error_unanswered"]);
    const many = tally([
      ...Array.from({ length: 60 }, (_, i) => [shell(`s${i}`, `echo ${i}`), result(`s${i}`, undefined, true)]).flat(),
      shell("t", "go test ./..."),
      result("t", 0),
    ]);
    const big = buildReceipt(phrases, { tally: many, close: close("ok"), files: noFiles, prompt: undefined, undetermined: [] });
    expect(big.commands).toHaveLength(50);
    expect(big.commands_omitted).toBe(11);
    expect(big.commands[0]).toEqual({ command: "echo 0", exit_code: null });
    expect(big.tests).toEqual({ runs: 1, verdict: "passed", last: { command: "go test ./...", exit_code: 0 } });
    expect(big.undetermined).toEqual(["exit codes: the CLI did not report them for some commands"]);
  });

  it("pairs results without ids in order, and tells MCP calls by server", () => {
    const t = tally([
      { type: "tool", name: "shell", input: { command: ["pytest", "-q"] } },
      { type: "tool_result", name: "shell", ok: false, exitCode: 2 },
      { type: "tool", name: "mcp__github__search", input: {} },
      { type: "tool_result", name: "mcp__github__search", ok: true },
    ]);
    const r = buildReceipt(phrases, { tally: t, close: close("Here it is."), files: noFiles, prompt: undefined, undetermined: [] });
    expect(r.commands).toEqual([{ command: "pytest -q", exit_code: 2, test: true }]);
    expect(r.tools).toEqual({ calls: 2, by_kind: { shell: 1, mcp: 1 }, mcp: { github: 1 }, failed: 1 });
  });

  it("user lists add to the defaults, or replace them; a bad pattern is a clear error", () => {
    const own = compilePhrases({ test_commands: [String.raw`\bjust test\b`] });
    const t = new TurnTally(own);
    t.see(shell("j", "just test"));
    expect(t.testRuns).toBe(1);
    const only = compilePhrases({ defaults: false, test_commands: [String.raw`\bjust test\b`] });
    const u = new TurnTally(only);
    u.see(shell("n", "npm test"));
    expect(u.testRuns).toBe(0);
    expect(() => compilePhrases({ claims: ["(unclosed"] })).toThrow(/receipts: "\(unclosed" is not a regular expression/);
  });
});
