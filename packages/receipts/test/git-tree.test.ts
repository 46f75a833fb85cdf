import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { processAlive } from "@subagent-mcp/state";
import { describe, expect, it } from "vitest";
import { TreeWatch, type Snapshot } from "../src/index.js";
import { git, makeRepo, tmp, userState, write } from "./git-helpers.js";

const watch = (cwd: string, timeoutMs?: number) =>
  new TreeWatch({ cwd, dir: join(tmp("rc-own-"), "watch"), ...(timeoutMs === undefined ? {} : { timeoutMs }) });
// Whether a process runs: a killed one may stay a zombie until its new parent reaps it (dead to processAlive).
const running = (pid: number): boolean => processAlive({ pid });
// The processes whose environment names the watch's private index (ours: git and the shell that runs it).
const gitsUsing = (dir: string): number[] =>
  readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, "utf8").includes(`GIT_INDEX_FILE=${join(dir, "index")}\0`);
      } catch {
        return false; // gone, or not ours
      }
    })
    .map(Number);
const tree = (s: Snapshot): string => ("tree" in s ? s.tree : `undetermined: ${s.undetermined}`);

describe("TreeWatch", () => {
  it("reports modified, added and deleted files with their lines, untracked files in, ignored ones out", async () => {
    const root = makeRepo({ ".gitignore": "*.log\n", "a.txt": "1\n2\n3\n", "b.txt": "gone\nsoon\n", "src/c.ts": "x\n" });
    write(root, { "old-untracked.txt": "there before\n" });
    const w = watch(root);
    const start = await w.snapshot();
    expect(tree(start)).toMatch(/^[0-9a-f]{40}$/);
    write(root, { "a.txt": "1\nTWO\n3\n4\n", "src/new.ts": "a\nb\nc\n", "debug.log": "ignored\n" });
    unlinkSync(join(root, "b.txt"));
    const expected = {
      source: "git",
      changed: [
        { path: "a.txt", change: "modified", added: 2, removed: 1 },
        { path: "b.txt", change: "deleted", added: 0, removed: 2 },
        { path: "src/new.ts", change: "added", added: 3, removed: 0 },
      ],
      total: { files: 3, added: 5, removed: 3 },
    };
    expect(await w.changesSince(start, 50)).toEqual(expected);
    expect(await w.diff(start, await w.snapshot(), 50)).toEqual(expected);
    await w.close();
  });

  it("ends a turn in one call, keeping its end as the next turn's start", async () => {
    const root = makeRepo({ "a.txt": "1\n" });
    const w = watch(root);
    const start = await w.snapshot();
    write(root, { "a.txt": "1\n2\n", "b.txt": "b\n" });
    const first = await w.turnEnd(start, 50);
    expect(first.changes).toMatchObject({ total: { files: 2, added: 2, removed: 0 } });
    expect(tree(first.end)).toMatch(/^[0-9a-f]{40}$/);
    write(root, { "b.txt": "B\n" });
    const second = await w.turnEnd(first.end, 50);
    expect(second.changes).toEqual({
      source: "git",
      changed: [{ path: "b.txt", change: "modified", added: 1, removed: 1 }],
      total: { files: 1, added: 1, removed: 1 },
    });
    expect(await w.diff(start, second.end, 50)).toMatchObject({ total: { files: 2, added: 2, removed: 0 } });
    const unknown = await w.turnEnd({ undetermined: "git took longer than 1 ms" }, 50);
    expect(unknown.changes).toEqual({ undetermined: "no snapshot at the start: git took longer than 1 ms" });
    expect(unknown.end).toEqual(second.end);
    await w.close();
  });

  it("reads paths as they are (spaces, tabs, non-ASCII) and a repository without a commit", async () => {
    const root = tmp("rc-fresh-");
    git(root, "init", "-q");
    write(root, { "first.txt": "1\n" });
    const w = watch(root);
    const start = await w.snapshot();
    write(root, { "dir with space/é\tname.txt": "a\nb\n", "first.txt": "one\n" });
    expect(await w.changesSince(start, 50)).toEqual({
      source: "git",
      changed: [
        { path: "dir with space/é\tname.txt", change: "added", added: 2, removed: 0 },
        { path: "first.txt", change: "modified", added: 1, removed: 1 },
      ],
      total: { files: 2, added: 3, removed: 1 },
    });
    await w.close();
  });

  it("leaves out a path git cannot add (a nested repository without a commit) and lists the rest", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const w = watch(root);
    const start = await w.snapshot();
    git(root, "init", "-q", "nested");
    write(root, { "nested/inside.txt": "i\n", "a.txt": "a\nb\n" });
    expect(await w.changesSince(start, 50)).toEqual({
      source: "git",
      changed: [{ path: "a.txt", change: "modified", added: 1, removed: 0 }],
      total: { files: 1, added: 1, removed: 0 },
    });
    await w.close();
  });

  it("lists at most maxFiles, counting the rest in omitted and total", async () => {
    const root = makeRepo({ "keep.txt": "k\n" });
    const w = watch(root);
    const start = await w.snapshot();
    write(root, Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.txt`, "one\n"])));
    const files = await w.changesSince(start, 2);
    expect(files).toMatchObject({ changed: [{ path: "f0.txt" }, { path: "f1.txt" }], omitted: 3, total: { files: 5, added: 5, removed: 0 } });
    expect(await w.changesSince(start, 0)).toMatchObject({ changed: [], omitted: 5 });
    await w.close();
  });

  it("marks a binary file binary, without line counts", async () => {
    const root = makeRepo({ "img.bin": Buffer.from([0, 1, 2, 3, 0, 255]) });
    const w = watch(root);
    const start = await w.snapshot();
    write(root, { "img.bin": Buffer.from([0, 9, 9, 9, 0, 255, 7]), "new.bin": Buffer.from([0, 0, 1]) });
    expect(await w.changesSince(start, 50)).toEqual({
      source: "git",
      changed: [
        { path: "img.bin", change: "modified", binary: true },
        { path: "new.bin", change: "added", binary: true },
      ],
      total: { files: 2, added: 0, removed: 0 },
    });
    await w.close();
  });

  it("counts a 100,000-line change", async () => {
    const root = makeRepo({ "big.txt": "x\n".repeat(100_000) });
    const w = watch(root);
    const start = await w.snapshot();
    write(root, { "big.txt": "y\n".repeat(100_000), "huge.txt": "line\n".repeat(100_000) });
    expect(await w.changesSince(start, 50)).toEqual({
      source: "git",
      changed: [
        { path: "big.txt", change: "modified", added: 100_000, removed: 100_000 },
        { path: "huge.txt", change: "added", added: 100_000, removed: 0 },
      ],
      total: { files: 2, added: 200_000, removed: 100_000 },
    });
    await w.close();
  });

  it("leaves the user's index, status and objects as they were", async () => {
    const root = makeRepo({ "a.txt": "a\n", "b.txt": "b\n" });
    write(root, { "a.txt": "changed\n", "untracked.txt": "u\n" });
    git(root, "add", "b.txt");
    const before = userState(root);
    const w = watch(root);
    const start = await w.snapshot();
    write(root, { "c.txt": "c\n", "a.txt": "again\n" });
    const mid = userState(root);
    expect(await w.changesSince(start, 50)).toMatchObject({ total: { files: 2 } });
    expect(await w.diff(start, await w.snapshot(), 50)).toMatchObject({ total: { files: 2 } });
    const after = userState(root);
    expect(after.index).toBe(before.index);
    expect(after.looseObjects).toBe(before.looseObjects);
    expect(after.status).toBe(mid.status);
    await w.close();
  });

  it("watches a linked worktree and a folder inside a repository, paths from the worktree's root", async () => {
    const root = makeRepo({ "src/app.ts": "a\n", "README.md": "r\n" });
    const linked = join(tmp("rc-wt-"), "wt");
    git(root, "worktree", "add", "-q", "-b", "agent", linked);
    const before = userState(root);
    const w = watch(join(linked, "src"));
    const start = await w.snapshot();
    write(linked, { "src/app.ts": "a\nb\n", "docs/new.md": "n\n" });
    expect(await w.changesSince(start, 50)).toEqual({
      source: "git",
      changed: [
        { path: "docs/new.md", change: "added", added: 1, removed: 0 },
        { path: "src/app.ts", change: "modified", added: 1, removed: 0 },
      ],
      total: { files: 2, added: 2, removed: 0 },
    });
    expect(userState(root).looseObjects).toBe(before.looseObjects);
    expect(git(linked, "status", "--porcelain")).toBe("M src/app.ts\n?? docs/".trim());
    await w.close();
  });

  it("answers undetermined outside a repository", async () => {
    const w = watch(tmp("rc-plain-"));
    const start = await w.snapshot();
    expect(start).toEqual({ undetermined: "not a git repository" });
    expect(await w.changesSince(start, 50)).toEqual({ undetermined: "no snapshot at the start: not a git repository" });
    await w.close();
  });

  it("answers undetermined, without throwing, when the worktree is removed between snapshots", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const linked = join(tmp("rc-wt-"), "wt");
    git(root, "worktree", "add", "-q", "-b", "gone", linked);
    const w = watch(linked);
    const start = await w.snapshot();
    expect(tree(start)).toMatch(/^[0-9a-f]{40}$/);
    rmSync(linked, { recursive: true, force: true });
    expect(await w.changesSince(start, 50)).toEqual({ undetermined: `the worktree is gone (${linked})` });
    expect(await w.snapshot()).toEqual({ undetermined: `the worktree is gone (${linked})` });
    await w.close();
  });

  it("answers undetermined when git takes longer than the bound, and kills the git it started", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const dir = join(tmp("rc-own-"), "watch");
    const patient = new TreeWatch({ cwd: root, dir });
    const start = await patient.snapshot();
    expect(tree(start)).toMatch(/^[0-9a-f]{40}$/);
    // A file git needs seconds to hash, read by a watch on the same folder bound to 200 ms.
    write(root, { "big.bin": randomBytes(32_000_000) });
    const hasty = new TreeWatch({ cwd: root, dir, timeoutMs: 200 });
    expect(await hasty.changesSince(start, 50)).toEqual({ undetermined: "git took longer than 200 ms" });
    expect(gitsUsing(dir).filter(running)).toEqual([]);
    // The killed git's lock is gone: once the big file is, the watch answers again.
    unlinkSync(join(root, "big.bin"));
    expect(await patient.changesSince(start, 50)).toEqual({ source: "git", changed: [], total: { files: 0, added: 0, removed: 0 } });
    await patient.close();
  });

  it("removes its folder on close and answers undetermined after", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const dir = join(tmp("rc-own-"), "watch");
    const w = new TreeWatch({ cwd: root, dir });
    const start = await w.snapshot();
    expect(existsSync(join(dir, "index"))).toBe(true);
    await w.close();
    expect(existsSync(dir)).toBe(false);
    expect(await w.changesSince(start, 50)).toEqual({ undetermined: "the receipt's git watch is closed" });
    writeFileSync(join(root, "b.txt"), "b\n");
  });
});
