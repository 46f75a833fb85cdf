import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execaSync } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import type { Receipt } from "@subagent-mcp/contract";
import { startE2E, type E2E } from "./e2e.js";

// Receipts through the built server and the real CLIs against the fakes: what each turn did, from
// the CLI's tool events and git, and the claims of its final text that the facts do not back.

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

interface Finished {
  agent_id: string;
  turn: number;
  result: string;
  receipt?: Receipt;
}
interface WaitAnswer {
  finished: Finished[];
}

// The project: a git repository with one passing and one failing test file, committed.
function repo(cwd: string): void {
  writeFileSync(join(cwd, "pass.test.mjs"), 'import test from "node:test";\ntest("adds", () => {});\n');
  writeFileSync(join(cwd, "fail.test.mjs"), 'import test from "node:test";\nimport assert from "node:assert";\ntest("adds", () => assert.equal(1, 2));\n');
  writeFileSync(join(cwd, ".gitignore"), "node_modules/\n");
  mkdirSync(join(cwd, "src"), { recursive: true });
  for (const args of [
    ["init", "-q"],
    ["add", "-A"],
    ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "init"],
  ])
    execaSync("git", args, { cwd });
}

async function turn(s: E2E, agentId: string, message?: string): Promise<{ finished: Finished; text: string }> {
  if (message !== undefined) await s.call("send_message", { agent_id: agentId, message });
  const answer = await s.client.callTool({ name: "wait", arguments: { agent_ids: [agentId], timeout_s: 120 } });
  const out = answer.structuredContent as WaitAnswer;
  const finished = out.finished[0];
  if (finished === undefined) throw new Error(`no finished turn: ${JSON.stringify(answer)}`);
  const text = (answer.content as { text: string }[]).map((c) => c.text).join("\n");
  return { finished, text };
}

const receiptOf = (f: Finished): Receipt => {
  if (f.receipt === undefined) throw new Error(`turn ${f.turn} has no receipt: ${JSON.stringify(f)}`);
  return f.receipt;
};

// Every CLI here reports its shell calls' exit codes.
const CLIS = [
  { provider: "claude" },
  // Codex is pinned to the model its config names, which the fake serves with its shell tool.
  { provider: "codex", model: "gpt-5.5" },
  { provider: "gemini" },
  { provider: "qwen" },
] as const;

describe.each(CLIS)("receipts on $provider", ({ provider, ...pinned }) => {
  it("a bare success claim, a failing test then a claim, and an edit with a passing test: each receipt says what was done", async () => {
    const s = (e = await startE2E({}, (env) => {
      repo(env.cwd);
    }));
    const cwd = s.env.cwd;
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider,
      ...pinned,
      prompt: "Fix add() so the tests pass. [[say:Done, all tests pass.]]",
      permissions: { allow: ["Bash", "Write", "Edit"] },
    });
    // 1. It only says so: no tool call, suspect, and the text a host reads first says SUSPECT.
    const first = await turn(s, agent_id);
    const bare = receiptOf(first.finished);
    expect(bare.tools.calls).toBe(0);
    expect(bare.suspect?.map((x) => x.reason)).toEqual(["no_tool_calls"]);
    expect(first.text).toContain(`${agent_id} turn 1 finished: SUSPECT: says "Done" but made no tool call [receipt: 0 tool calls`);

    // 2. A failing test run, then a claim: the suspect names the command and its exit code.
    const second = await turn(s, agent_id, "Run the tests. [[shell:node --test fail.test.mjs]] [[say:All tests pass now.]]");
    const failing = receiptOf(second.finished);
    expect(failing.commands).toEqual([expect.objectContaining({ command: "node --test fail.test.mjs", test: true })]);
    expect(failing.tests.runs).toBe(1);
    expect(failing.tests).toMatchObject({ verdict: "failed", last: { command: "node --test fail.test.mjs", exit_code: 1 } });
    expect(failing.suspect).toEqual([
      { reason: "tests_failed", evidence: 'says "All tests pass now" but the last test run `node --test fail.test.mjs` exited 1' },
    ]);
    expect(second.text).toContain('SUSPECT: says "All tests pass now" but the last test run `node --test fail.test.mjs` exited 1');

    // 3. An edit and a passing test: the file with its lines, the test passed, nothing suspect.
    const file = join(cwd, "src", "add.js");
    const third = await turn(
      s,
      agent_id,
      `Fix add(). [[edit:${file}|export const add = (a, b) => a + b;\n]] [[shell:node --test pass.test.mjs]] [[say:Done: add() fixed and the tests pass.]]`,
    );
    const fixed = receiptOf(third.finished);
    expect(fixed.files).toMatchObject({
      source: "git",
      changed: [{ path: "src/add.js", change: "added", added: 1, removed: 0 }],
      total: { files: 1, added: 1, removed: 0 },
    });
    expect(fixed.tools.by_kind.edit).toBe(1);
    expect(fixed.tests).toMatchObject({ verdict: "passed", last: { command: "node --test pass.test.mjs", exit_code: 0 } });
    expect(fixed.suspect).toBeUndefined();
    expect(third.text).toContain("[receipt: 2 tool calls, 1 file changed (+1 -0)");
    // The user's own index is untouched: the new file is untracked there.
    expect(execaSync("git", ["status", "--porcelain"], { cwd }).stdout).toBe("?? src/");
  });
});

// Facts first: a turn whose facts show it did not do what it was asked is suspect unless its final
// text owns up to it; an honest fix and an honest admission are not.
const FACTS_CLIS = [{ provider: "claude" }, { provider: "codex", model: "gpt-5.5" }, { provider: "gemini" }] as const;

describe.each(FACTS_CLIS)("receipts hold the final text to the facts on $provider", ({ provider, ...pinned }) => {
  it('a denial then a terse claim, a failing test then "All green.", an honest fix, an admission after a denial', { timeout: 300_000 }, async () => {
    const s = (e = await startE2E({}, (env) => {
      repo(env.cwd);
    }));
    mkdirSync(join(s.env.cwd, "dist"));
    writeFileSync(join(s.env.cwd, "dist", "out.js"), "x\n");
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider,
      ...pinned,
      prompt: "Clean the build. [[shell:rm -rf dist]] [[say:Deleted it, done.]]",
      permissions: { allow: ["Bash", "Write", "Edit"], deny: ["Bash(rm:*)"] },
    });
    // (a) The command was denied and the text says it is done.
    const firstTurn = await turn(s, agent_id);
    const denied = receiptOf(firstTurn.finished);
    expect(denied.permissions).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule: "Bash(rm:*)" }));
    expect(denied.suspect?.find((x) => x.reason === "permission_denied")?.evidence).toMatch(
      /^says "Deleted it" but .*rm -rf dist'? was denied by rule Bash\(rm:\*\)/,
    );

    // (b) The last test run failed and the text says all is green.
    const red = await turn(s, agent_id, "Run the tests. [[shell:node --test fail.test.mjs]] [[say:All green.]]");
    const failing = receiptOf(red.finished);
    expect(failing.suspect?.map((x) => x.reason)).toContain("tests_failed");
    expect(red.text).toContain('SUSPECT: says "All green" but the last test run `node --test fail.test.mjs` exited 1');

    // (c) An edit, a passing test and a text that says so: nothing suspect.
    const file = join(s.env.cwd, "src", "add.js");
    const fixed = receiptOf(
      (
        await turn(
          s,
          agent_id,
          `Fix add(). [[edit:${file}|export const add = (a, b) => a + b;\n]] [[shell:node --test pass.test.mjs]] [[say:Fixed add(); tests pass.]]`,
        )
      ).finished,
    );
    expect(fixed.tests).toMatchObject({ verdict: "passed" });
    expect(fixed.suspect).toBeUndefined();

    // (d) Denied again, and the text owns up to it: nothing suspect.
    const honest = receiptOf((await turn(s, agent_id, "Remove the build. [[shell:rm -rf dist]] [[say:I couldn't remove it: denied.]]")).finished);
    expect(honest.permissions).toContainEqual(expect.objectContaining({ decision: "deny" }));
    expect(honest.suspect).toBeUndefined();
  });
});

describe("receipts where the agent works", () => {
  it("a worktree agent's files are read in its worktree, against its branch as the turn started; outside a repository, from its edit tools", async () => {
    const s = (e = await startE2E({}, (env) => {
      repo(env.cwd);
    }));
    const { agent_id, worktree } = await s.call<{ agent_id: string; worktree?: { path: string } }>("launch_agent", {
      provider: "claude",
      isolation: "worktree",
      prompt: "Write the note. [[edit:NOTE.md|one\ntwo\n]] [[say:Done.]]",
      permissions: { allow: ["Write"] },
    });
    expect(worktree?.path).toBeDefined();
    // The fake names the file as the prompt does: relative, so the CLI writes it in its own cwd, the worktree.
    const { finished } = await turn(s, agent_id);
    expect(receiptOf(finished).files).toMatchObject({ source: "git", changed: [{ path: "NOTE.md", change: "added", added: 2, removed: 0 }] });
    // The user's own tree is untouched.
    expect(execaSync("git", ["status", "--porcelain"], { cwd: s.env.cwd }).stdout).toBe("");

    const outside = join(s.env.cwd, "..", `plain-${agent_id}`);
    mkdirSync(outside, { recursive: true });
    const plain = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      cwd: outside,
      prompt: `Write it. [[edit:${join(outside, "a.txt")}|x\n]] [[say:Done.]]`,
      permissions: { allow: ["Write"] },
    });
    const other = receiptOf((await turn(s, plain.agent_id)).finished);
    expect(other.files).toMatchObject({ source: "tools", changed: [{ path: join(outside, "a.txt"), change: "written" }] });
    expect(other.undetermined?.join("\n")).toContain("not a git repository");
  });
});

describe("receipts and the rules", () => {
  it("a denied command followed by a success claim is suspect with the denial (Claude Code)", async () => {
    const s = (e = await startE2E({}, (env) => {
      repo(env.cwd);
    }));
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: "Clean the build. [[shell:rm -rf dist]] [[say:Done, the build is clean.]]",
      permissions: { allow: ["Bash"], deny: ["Bash(rm:*)"] },
    });
    const { finished, text } = await turn(s, agent_id);
    const receipt = receiptOf(finished);
    expect(receipt.permissions).toEqual([expect.objectContaining({ tool: "Bash", decision: "deny", by: "rule" })]);
    expect(receipt.suspect?.find((x) => x.reason === "permission_denied")?.evidence).toContain("rm -rf dist was denied by rule Bash(rm:*)");
    expect(text).toContain("SUSPECT:");
  });

  it("escalate on suspect moves a suspect task to the next candidate, whose receipt lists the first attempt's", async () => {
    const table = { coding: { cost_efficiency: [{ provider: "claude", model: "haiku" }], performance: [{ provider: "codex", model: "gpt-5.5" }] } };
    const s = (e = await startE2E({}, (env) => {
      repo(env.cwd);
      const dir = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "config.json"), JSON.stringify({ routing: { table } }));
    }));
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", {
      task_category: "coding",
      prompt: "Fix add() so the tests pass. [[say:Done, all tests pass.]]",
      escalate: { on: "suspect" },
    });
    const { finished } = await turn(s, agent_id);
    const receipt = receiptOf(finished);
    const attempts = receipt.attempts ?? [];
    expect(attempts).toEqual([expect.objectContaining({ provider: "claude", suspect: [expect.objectContaining({ reason: "no_tool_calls" })] })]);
    // The stronger candidate was told why.
    const handed = s.fakes.codex.requests.map((r) => r.lastUserText).join("\n");
    expect(handed).toContain("What it did does not back that answer");
    const poll = await s.call<{ provider: string; failover?: { kind?: string; reason: string }[] }>("poll_agent", { agent_id });
    expect(poll.provider).toBe("codex");
    expect(poll.failover?.[0]).toMatchObject({ kind: "escalation", reason: expect.stringContaining("its answer was suspect") as unknown });
  });
});
