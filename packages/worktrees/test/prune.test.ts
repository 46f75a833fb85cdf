import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createWorktree, listWorktrees, pruneWorktrees } from "../src/index.js";
import { branches, deadPid, makeRepo, sh, tmp, write } from "./helpers.js";

/** Four worktrees of dead agents (clean, dirty, committed, deleted by hand) and one of a live agent. */
async function scene() {
  const root = makeRepo();
  const stateDir = tmp("wt-state-");
  const dead = { pid: deadPid() };
  const make = (name: string, owner = dead) => createWorktree({ cwd: root, name, stateDir, kind: "agent", owner });
  const [clean, dirty, committed, gone, live] = await Promise.all([
    make("clean"),
    make("dirty"),
    make("committed"),
    make("gone"),
    make("live", { pid: process.pid }),
  ]);
  write(dirty.path, { "README.md": "edited\n", "new.txt": "new\n" });
  write(committed.path, { "feature.txt": "f\n" });
  sh(committed.path, "add", "-A");
  sh(committed.path, "commit", "-qm", "feature");
  rmSync(gone.path, { recursive: true });
  return { root, stateDir, clean, dirty, committed, gone, live };
}

describe("listWorktrees and pruneWorktrees", () => {
  it("lists every record with status, liveness and unmerged work", async () => {
    const s = await scene();
    const listed = await listWorktrees(s.stateDir);
    const by = Object.fromEntries(listed.map((e) => [e.record.id, e]));
    expect(Object.keys(by).sort()).toEqual(["clean", "committed", "dirty", "gone", "live"]);
    expect(by.clean).toMatchObject({ missing: false, live: false, unmerged: false, status: { uncommitted: 0 } });
    expect(by.dirty).toMatchObject({ missing: false, live: false, unmerged: true, status: { uncommitted: 2 } });
    expect(by.committed).toMatchObject({ missing: false, live: false, unmerged: true, status: { ahead: 1 } });
    expect(by.gone).toMatchObject({ missing: true, live: false, status: undefined });
    expect(by.live).toMatchObject({ live: true, unmerged: false });
    expect(by.live?.record.owner.start).toMatch(/^\d+$/);
  });

  it("counts an owner whose pid now names another process (its start time differs) as gone", async () => {
    const root = makeRepo();
    const stateDir = tmp("wt-state-");
    await createWorktree({ cwd: root, name: "reused", stateDir, kind: "agent", owner: { pid: process.pid, start: "1" } });
    expect((await listWorktrees(stateDir))[0]).toMatchObject({ live: false });
  });

  it("removes clean and missing ones, keeps unmerged work and live agents, and with force removes the rest", async () => {
    const s = await scene();
    const dry = await pruneWorktrees(s.stateDir, { dryRun: true });
    expect(dry.removed.map((r) => r.id).sort()).toEqual(["clean", "gone"]);
    expect(existsSync(s.clean.path)).toBe(true);

    const first = await pruneWorktrees(s.stateDir);
    expect(first.removed.map((r) => r.id).sort()).toEqual(["clean", "gone"]);
    const reasons = Object.fromEntries(first.kept.map((k) => [k.record.id, k.reason]));
    expect(reasons).toEqual({
      committed: "1 unmerged commit: use --force",
      dirty: "2 uncommitted changes: use --force",
      live: "agent still running",
    });
    expect(existsSync(s.clean.path)).toBe(false);
    expect(branches(s.root).sort()).toEqual(["main", "subagent/committed", "subagent/dirty", "subagent/live"]);
    expect(sh(s.root, "worktree", "list").split("\n")).toHaveLength(4);

    const forced = await pruneWorktrees(s.stateDir, { force: true });
    expect(forced.removed.map((r) => r.id).sort()).toEqual(["committed", "dirty"]);
    expect(forced.kept.map((k) => k.record.id)).toEqual(["live"]);
    expect(branches(s.root).sort()).toEqual(["main", "subagent/live"]);
    expect((await listWorktrees(s.stateDir)).map((e) => e.record.id)).toEqual(["live"]);
    expect(sh(s.root, "status", "--porcelain")).toBe("");
  });

  it("removes a worktree whose commits another branch already contains", async () => {
    const s = await scene();
    sh(s.root, "merge", "-q", "--ff-only", s.committed.branch);
    const { removed } = await pruneWorktrees(s.stateDir);
    expect(removed.map((r) => r.id).sort()).toEqual(["clean", "committed", "gone"]);
    expect(branches(s.root)).not.toContain(s.committed.branch);
  });

  it("keeps the branch of a deleted worktree that holds unmerged commits", async () => {
    const root = makeRepo();
    const stateDir = tmp("wt-state-");
    const record = await createWorktree({ cwd: root, name: "lost", stateDir, kind: "agent", owner: { pid: deadPid() } });
    write(record.path, { "f.txt": "f\n" });
    sh(record.path, "add", "-A");
    sh(record.path, "commit", "-qm", "work");
    rmSync(record.path, { recursive: true });
    const { removed } = await pruneWorktrees(stateDir);
    expect(removed.map((r) => r.id)).toEqual(["lost"]);
    expect(branches(root)).toContain(record.branch);
    expect(await listWorktrees(stateDir)).toEqual([]);
  });

  it("judges a worktree by its HEAD too: a commit on a detached HEAD is unmerged work, and force keeps it reachable", async () => {
    const root = makeRepo();
    const stateDir = tmp("wt-state-");
    const record = await createWorktree({ cwd: root, name: "detached", stateDir, kind: "agent", owner: { pid: deadPid() } });
    sh(record.path, "checkout", "-q", "--detach");
    write(record.path, { "work.txt": "work\n" });
    sh(record.path, "add", "-A");
    sh(record.path, "commit", "-qm", "detached work");
    const commit = sh(record.path, "rev-parse", "HEAD");
    const [listed] = await listWorktrees(stateDir);
    expect(listed).toMatchObject({ unmerged: true, status: { ahead: 1 } });
    const first = await pruneWorktrees(stateDir);
    expect(first.kept.map((k) => k.reason)).toEqual(["1 unmerged commit: use --force"]);
    const forced = await pruneWorktrees(stateDir, { force: true });
    expect(forced.removed.map((r) => r.id)).toEqual(["detached"]);
    expect(forced.keptRefs).toEqual(["refs/subagent-mcp/kept/detached-head"]);
    expect(sh(root, "rev-parse", "refs/subagent-mcp/kept/detached-head")).toBe(commit);
    expect(sh(root, "cat-file", "-t", commit)).toBe("commit");
  });

  it("counts ignored files as work unless they are build output", async () => {
    const root = makeRepo({ "README.md": "hello\n", ".gitignore": "*.local\nnode_modules/\ndist/\n" });
    const stateDir = tmp("wt-state-");
    const owner = { pid: deadPid() };
    const [built, secret] = await Promise.all([
      createWorktree({ cwd: root, name: "built", stateDir, kind: "agent", owner }),
      createWorktree({ cwd: root, name: "secret", stateDir, kind: "agent", owner }),
    ]);
    write(built.path, { "node_modules/x/index.js": "x\n", "dist/app.js": "y\n" });
    write(secret.path, { "notes.local": "what the agent wrote\n" });
    const { removed, kept } = await pruneWorktrees(stateDir);
    expect(removed.map((r) => r.id)).toEqual(["built"]);
    expect(kept).toEqual([expect.objectContaining({ reason: "1 ignored file that is not build output: use --force" })]);
    expect(existsSync(join(secret.path, "notes.local"))).toBe(true);
  });
});
