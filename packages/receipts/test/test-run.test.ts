import { describe, expect, it } from "vitest";
import type { ReceiptFiles } from "@subagent-mcp/contract";
import type { AgentEvent, TurnClose } from "@subagent-mcp/core";
import { buildReceipt } from "../src/build.js";
import { compilePhrases } from "../src/phrases.js";
import { TurnTally } from "../src/tally.js";

// A test run counts as passed only where the line's exit is the test command's own: a masked exit
// or test words that run nothing make the verdict undetermined, with the reason named.

const phrases = compilePhrases();
const files: ReceiptFiles = { source: "git", changed: [], total: { files: 0, added: 0, removed: 0 } };
const close = (result: string): TurnClose => ({
  outcome: { result, isError: false, interrupted: false, usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 }, costUsd: undefined, durationMs: 10 },
});
let n = 0;
const ran = (command: string, exitCode: number): AgentEvent[] => {
  n += 1;
  const id = `c${n}`;
  return [
    { type: "tool", name: "Bash", input: { command }, id, kind: "shell", command },
    { type: "tool_result", name: "Bash", ok: exitCode === 0, id, exitCode },
  ];
};
function receipt(lines: [string, number][], said = "Here it is.") {
  const tally = new TurnTally(phrases);
  for (const [command, exit] of lines) for (const e of ran(command, exit)) tally.see(e);
  return buildReceipt(phrases, { tally, close: close(said), files, prompt: undefined, undetermined: [] });
}

describe("test runs read by the shell parser", () => {
  it.each([
    "npm test",
    "cd app && CI=1 pnpm -r test",
    "npm test && echo ok",
    "set -o pipefail; npm test | tee log",
    "set -e; npm test; echo done",
    "timeout 600 npm test",
    "env CI=1 node --test",
    `bash -lc 'npx vitest run'`,
    "./node_modules/.bin/vitest run",
    "python3.12 -m pytest -q",
    "uv run pytest",
    "cat > t.sh <<'EOF'\nnpm test || true\nEOF\nnpm test",
  ])("`%s` exiting 0 is a passing run", (line) => {
    expect(receipt([[line, 0]]).tests).toEqual({ runs: 1, verdict: "passed", last: { command: line, exit_code: 0 } });
    expect(receipt([[line, 1]]).tests.verdict).toBe("failed");
  });

  it.each([
    ["npm test || true", "exit masked by `|| true`"],
    ["npm test; true", "exit masked by the command after it (`true`)"],
    ["npm test & wait", "it runs in the background (`&`)"],
    ["npm test; echo done", "exit masked by the command after it (`echo done`)"],
    ["npm test; exit 0", "exit masked by the command after it (`exit 0`)"],
    ["npm test | tee log", "exit masked by `| tee log`"],
    ["npm test 2>&1 | tail -5", "exit masked by `| tail -5`"],
    ["! npm test", "its exit is inverted by `!`"],
    ["if npm test; then echo ok; fi", "it runs inside `if`, whose exit is not its own"],
    ["bash -c 'npm test || :'", "exit masked by `|| :`"],
    ["find . -name '*.spec' -exec npx jest {} \\;", "it runs under `find`, whose exit is not its own"],
    ["npm() { :; }; npm test", "`npm` is a function the line defines"],
    ["PATH=./fake:$PATH npm test", "PATH is changed on the line, so its program may be any file"],
  ])("`%s` is a run whose exit says nothing: %s", (line, reason) => {
    const r = receipt([[line, 0]], "All tests pass.");
    expect(r.tests).toEqual({ runs: 1, verdict: "undetermined", last: { command: line, exit_code: 0 }, reason });
    expect(r.commands[0]).toEqual({ command: line, exit_code: 0, test: true });
    expect(r.suspect).toEqual([
      { reason: "tests_undetermined", evidence: `says "All tests pass" but the last test run \`${line}\` does not show it: ${reason}` },
    ]);
  });

  it.each([
    ["echo node --test", "`node --test` is not run: it is only words given to `echo`"],
    ["echo 'npm test passed'", "`npm test` is not run: it is only words given to `echo`"],
    [`grep -n "pnpm test" README.md`, "`pnpm test` is not run: it is only words given to `grep`"],
    ["ls # npm test", "`npm test` is not run: it is only in a comment or a here-document"],
    ["# npm test", "`npm test` is not run: it is only in a comment or a here-document"],
    ["cat > run.sh <<'EOF'\nnpm test\nEOF", "`npm test` is not run: it is only in a comment or a here-document"],
  ])("`%s` runs no test: undetermined with no run, and a claim of passing tests is suspect", (line, reason) => {
    const r = receipt([[line, 0]], "All tests pass.");
    expect(r.tests).toEqual({ runs: 0, verdict: "undetermined", last: { command: line, exit_code: 0 }, reason });
    expect(r.commands[0]).toEqual({ command: line, exit_code: 0 });
    expect(r.suspect?.map((s) => s.reason)).toEqual(["no_test_run"]);
  });

  it("a line that only names a test never hides an earlier run; a masked run after a passing one is undetermined", () => {
    expect(
      receipt([
        ["npm test", 1],
        ["echo npm test", 0],
      ]).tests,
    ).toEqual({ runs: 1, verdict: "failed", last: { command: "npm test", exit_code: 1 } });
    expect(
      receipt([
        ["npm test", 0],
        ["npm test || true", 0],
      ]).tests,
    ).toMatchObject({ runs: 2, verdict: "undetermined", reason: "exit masked by `|| true`" });
    expect(
      receipt([
        ["npm test || true", 0],
        ["npm test", 0],
      ]).tests,
    ).toMatchObject({ runs: 2, verdict: "passed" });
  });

  it("a line the parser cannot read is no passing run", () => {
    const r = receipt([["for ((i=0;i<2;i++)); do npm test; done", 0]]);
    expect(r.tests.verdict).toBe("undetermined");
    expect(r.tests.reason).toMatch(/^the line cannot be read in full/);
  });
});
