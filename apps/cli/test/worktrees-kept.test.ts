import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { bin, startE2E, waitFor, type E2E } from "./e2e.js";
import { git, write } from "./git-e2e.js";

// Work an agent leaves outside its branch is never lost: a commit on a detached HEAD and a file the
// repository ignores hold a worktree through prune, and prune --force keeps the commit reachable.

let s: E2E;
beforeAll(async () => {
  s = await startE2E();
  write(join(s.env.cwd, "README.md"), "hello\n");
  write(join(s.env.cwd, ".gitignore"), "*.local\nnode_modules/\n");
  await git(s.env.cwd, "init", "-q", "-b", "main");
  await git(s.env.cwd, "add", "-A");
  await git(s.env.cwd, "commit", "-qm", "initial");
}, 60_000);
afterAll(async () => {
  await s.close();
});

const cli = (...args: string[]) => execa(process.execPath, [bin, "worktrees", ...args], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false, reject: false });

interface Launched {
  agent_id: string;
  worktree: { path: string; branch: string };
}

describe("worktrees keep what an agent left outside its branch", () => {
  it("a detached-HEAD commit and an ignored file are work; prune keeps them, --force keeps the commit under a ref", { timeout: 180_000 }, async () => {
    const [detached, ignored] = await Promise.all([
      s.call<Launched>("launch_agent", { provider: "claude", prompt: "one", isolation: "worktree", label: "detached" }),
      s.call<Launched>("launch_agent", { provider: "claude", prompt: "two", isolation: "worktree", label: "ignored" }),
    ]);
    for (const a of [detached, ignored]) await waitFor(s, a.agent_id, (out) => out.finished[0]);
    // What the agents did with their shell: a commit on a detached HEAD; a git-ignored note.
    await git(detached.worktree.path, "checkout", "-q", "--detach");
    write(join(detached.worktree.path, "work.txt"), "work\n");
    await git(detached.worktree.path, "add", "-A");
    await git(detached.worktree.path, "commit", "-qm", "detached work");
    const commit = await git(detached.worktree.path, "rev-parse", "HEAD");
    write(join(ignored.worktree.path, "notes.local"), "only here\n");
    write(join(ignored.worktree.path, "node_modules", "x.js"), "build output\n");
    for (const a of [detached, ignored]) await s.call("kill_agent", { agent_id: a.agent_id });
    await s.client.close();

    const listed = (await cli()).stdout;
    expect(listed).not.toContain("no unmerged work");
    const pruned = await cli("prune");
    expect(pruned.stdout).toContain("kept subagent/detached: 1 unmerged commit: use --force");
    expect(pruned.stdout).toContain("kept subagent/ignored: 1 ignored file that is not build output: use --force");
    const forced = await cli("prune", "--force");
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stdout).toContain("refs/subagent-mcp/kept/");
    expect(await git(s.env.cwd, "cat-file", "-t", commit)).toBe("commit");
    expect(await git(s.env.cwd, "for-each-ref", "--format=%(objectname)", "refs/subagent-mcp/kept/")).toContain(commit);
  });
});
