import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createWorktree, snapshotAndReset, WorktreeError, worktreeStatus } from "../src/index.js";
import { makeRepo, sh, tmp, write } from "./helpers.js";

const replica = async (root: string) =>
  createWorktree({ cwd: root, name: "replica", stateDir: tmp("wt-state-"), kind: "replica", owner: { pid: process.pid } });
const filesOf = (root: string, branch: string, base: string) => sh(root, "diff", "--name-only", base, branch).split("\n").filter(Boolean).sort();

describe("snapshotAndReset", () => {
  it("puts each task's work on its own branch and returns the replica to a clean base", async () => {
    const root = makeRepo({ ".gitignore": "node_modules/\n", "README.md": "x\n", "src/app.ts": "a\n" });
    const record = await replica(root);
    write(record.path, { "node_modules/dep.js": "installed\n" });
    expect(await snapshotAndReset(record, "task/one", "nothing")).toBeUndefined();

    write(record.path, { "README.md": "task one\n", "one.txt": "1\n" });
    const one = await snapshotAndReset(record, "task/one", "task one");
    expect(one).toMatchObject({ branch: "task/one", changed_files: 2 });
    expect(one?.commit).toBe(sh(root, "rev-parse", "task/one"));
    expect(await worktreeStatus(record)).toEqual({ head: record.base_commit, changed_files: 0, uncommitted: 0, ahead: 0, ignored_work: 0 });
    expect(existsSync(join(record.path, "one.txt"))).toBe(false);
    expect(readFileSync(join(record.path, "node_modules/dep.js"), "utf8")).toBe("installed\n");

    write(record.path, { "two.txt": "2\n" });
    sh(record.path, "add", "two.txt");
    sh(record.path, "commit", "-qm", "committed by the agent");
    write(record.path, { "src/app.ts": "b\n" });
    const two = await snapshotAndReset(record, "task/one", "task two");
    expect(two).toMatchObject({ branch: "task/one-2", changed_files: 2 });
    expect(filesOf(root, "task/one", record.base_commit)).toEqual(["README.md", "one.txt"]);
    expect(filesOf(root, "task/one-2", record.base_commit)).toEqual(["src/app.ts", "two.txt"]);
    expect(sh(root, "log", "-1", "--format=%s|%an", "task/one")).toBe("task one|Test");
    expect(sh(record.path, "status", "--porcelain", "--untracked-files=all")).toBe("");
    expect(sh(root, "status", "--porcelain")).toBe("");
  });

  it("commits with a placeholder identity only when the user has none", async () => {
    const root = makeRepo();
    const record = await replica(root);
    const saved = process.env.GIT_CONFIG_GLOBAL;
    process.env.GIT_CONFIG_GLOBAL = join(tmp("wt-noid-"), "gitconfig");
    try {
      write(record.path, { "a.txt": "a\n" });
      const done = await snapshotAndReset(record, "task/x", "x");
      expect(sh(root, "log", "-1", "--format=%an <%ae>", done?.branch ?? "")).toBe("subagent-mcp <subagent-mcp@localhost>");
    } finally {
      process.env.GIT_CONFIG_GLOBAL = saved;
    }
  });

  it("refuses to reset anything but one of our worktrees", async () => {
    const root = makeRepo();
    const record = await replica(root);
    write(root, { "README.md": "user's own edit\n" });
    const forged = { ...record, path: root };
    await expect(snapshotAndReset(forged, "t", "m")).rejects.toSatisfy((e) => e instanceof WorktreeError && e.code === "NOT_OURS");
    expect(readFileSync(join(root, "README.md"), "utf8")).toBe("user's own edit\n");
  });
});
