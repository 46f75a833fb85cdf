import { describe, expect, it } from "vitest";
import type { ReceiptFiles } from "@subagent-mcp/contract";
import type { AgentEvent, PermissionEvent, TurnClose } from "@subagent-mcp/core";
import { buildReceipt } from "../src/build.js";
import { compilePhrases } from "../src/phrases.js";
import { TurnTally } from "../src/tally.js";

// Facts first: a fact showing the turn did not do what it was asked is suspect unless the final text
// owns up to it, claim or no claim; the checks of a claim no fact backs stay claim-only.

const phrases = compilePhrases();
const usage = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 };
const close = (result: string, extra: Partial<TurnClose["outcome"]> = {}, more: Partial<TurnClose> = {}): TurnClose => ({
  outcome: { result, isError: false, interrupted: false, usage, costUsd: 0, durationMs: 10, ...extra },
  ...more,
});
const noFiles: ReceiptFiles = { source: "git", changed: [], total: { files: 0, added: 0, removed: 0 } };
const oneFile: ReceiptFiles = {
  source: "git",
  changed: [{ path: "a.ts", change: "modified", added: 1, removed: 1 }],
  total: { files: 1, added: 1, removed: 1 },
};
const shell = (id: string, command: string): AgentEvent => ({ type: "tool", name: "Bash", input: { command }, id, kind: "shell", command });
const result = (id: string, exitCode: number | null, ok = exitCode === 0): AgentEvent => ({ type: "tool_result", name: "Bash", ok, id, exitCode });
const denial: PermissionEvent = {
  agentId: "x",
  request: { requestId: "1", tool: "Bash", kind: "shell", command: "rm -rf dist", input: { command: "rm -rf dist" } },
  decision: "deny",
  by: "rule",
  rule: "Bash(rm:*)",
  reason: "denied by rule",
};

function receipt(events: AgentEvent[], text: string, o: { permissions?: PermissionEvent[]; files?: ReceiptFiles; prompt?: string; close?: TurnClose } = {}) {
  const t = new TurnTally(phrases);
  for (const e of events) t.see(e);
  for (const p of o.permissions ?? []) t.permission(p);
  return buildReceipt(phrases, { tally: t, close: o.close ?? close(text), files: o.files ?? oneFile, prompt: o.prompt, undetermined: [] });
}
const reasons = (r: ReturnType<typeof receipt>) => (r.suspect ?? []).map((s) => s.reason);
const ls = [shell("a", "ls"), result("a", 0)];
const failing = [shell("t", "node --test x.test.mjs"), result("t", 1)];

describe("facts first", () => {
  it("a denial: suspect when the text claims or is silent, not when it owns up", () => {
    const terse = receipt(ls, "Deleted it, done.", { permissions: [denial] });
    expect(terse.suspect).toEqual([{ reason: "permission_denied", evidence: 'says "Deleted it" but Bash: rm -rf dist was denied by rule Bash(rm:*)' }]);
    const silent = receipt(ls, "The dist folder held the old bundle.", { permissions: [denial] });
    expect(silent.suspect).toEqual([
      { reason: "permission_denied", evidence: "Bash: rm -rf dist was denied by rule Bash(rm:*) and the answer does not say so" },
    ]);
    expect(receipt(ls, "I couldn't remove it: denied.", { permissions: [denial] }).suspect).toBeUndefined();
  });

  it("a failed last test run: suspect unless the text says the tests fail", () => {
    expect(receipt(failing, "All green.").suspect).toEqual([
      { reason: "tests_failed", evidence: 'says "All green" but the last test run `node --test x.test.mjs` exited 1' },
    ]);
    expect(receipt(failing, "I changed the parser.").suspect?.[0]?.evidence).toBe(
      'says "I changed the parser" but the last test run `node --test x.test.mjs` exited 1',
    );
    expect(receipt(failing, "Here is the parser's new shape.").suspect?.[0]?.evidence).toBe(
      "the last test run `node --test x.test.mjs` exited 1 and the answer does not say so",
    );
    expect(receipt(failing, "Fixed the parser, but the tests still fail.").suspect).toBeUndefined();
  });

  it("no change when asked, an early stop, an error left standing: suspect when silent", () => {
    expect(reasons(receipt(ls, "Looked into it.", { files: noFiles, prompt: "fix the typo" }))).toEqual(["no_changes"]);
    expect(receipt(ls, "Nothing to change: it already handles that.", { files: noFiles, prompt: "fix the typo" }).suspect).toBeUndefined();
    const maxTurns = close("The config is parsed in two places.", { stop: { reason: "error_max_turns", maxTurns: true } });
    expect(reasons(receipt(ls, "", { close: maxTurns }))).toEqual(["stopped_early"]);
    expect(
      receipt(ls, "", { close: close("I ran out of turns before the tests.", { stop: { reason: "error_max_turns", maxTurns: true } }) }).suspect,
    ).toBeUndefined();
    expect(reasons(receipt(ls, "", { close: close("Here it is.", {}, { budget: "max_tokens 10" }) }))).toEqual(["stopped_early"]);
    const web: AgentEvent[] = [
      { type: "tool", name: "fetch", input: {}, id: "f", kind: "web" },
      { type: "tool_result", name: "fetch", ok: false, id: "f" },
    ];
    expect(reasons(receipt(web, "The page lists three mirrors."))).toEqual(["tool_error_unanswered"]);
    expect(receipt(web, "The fetch failed, so I could not read the page.").suspect).toBeUndefined();
  });

  it("claim-only checks: no tool call, no test run, a verdict the CLI did not give", () => {
    expect(reasons(receipt([], "Updated the parser and added tests."))).toEqual(["no_tool_calls"]);
    expect(receipt([], "The parser reads the header first.").suspect).toBeUndefined();
    expect(reasons(receipt(ls, "All tests pass (12/12)"))).toEqual(["no_test_run"]);
    const unknown = [shell("t", "npm test"), result("t", null, true)];
    expect(reasons(receipt(unknown, "✅ Tests green"))).toEqual(["tests_undetermined"]);
    expect(receipt(unknown, "Updated the parser.").suspect).toBeUndefined();
  });

  it("an honest fix is not suspect", () => {
    const fix: AgentEvent[] = [
      { type: "tool", name: "Write", input: {}, id: "w", kind: "edit", paths: ["a.ts"] },
      { type: "tool_result", name: "Write", ok: true, id: "w" },
      shell("t", "npm test"),
      result("t", 0),
    ];
    expect(receipt(fix, "Fixed add(); tests pass.", { prompt: "fix add()" }).suspect).toBeUndefined();
  });
});
