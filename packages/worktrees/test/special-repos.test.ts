import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createWorktree, listWorktrees, releaseWorktree, WorktreeError, worktreeStatus } from "../src/index.js";
import { branches, makeRepo, sh, tmp, write } from "./helpers.js";

const owner = { pid: process.pid };

describe("repositories with submodules and LFS", () => {
  it("checks out submodules in the new worktree and releases it when clean", async () => {
    const lib = makeRepo({ "lib.txt": "library\n" });
    const root = makeRepo();
    sh(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "vendor/lib");
    sh(root, "commit", "-qm", "add submodule");
    const record = await createWorktree({ cwd: root, name: "sub", stateDir: tmp("wt-state-"), kind: "agent", owner });
    expect(readFileSync(join(record.path, "vendor/lib/lib.txt"), "utf8")).toBe("library\n");
    expect(await worktreeStatus(record)).toMatchObject({ uncommitted: 0, changed_files: 0 });
    expect((await releaseWorktree(record)).removed).toBe(true);
    expect(existsSync(record.path)).toBe(false);
    expect(sh(root, "status", "--porcelain")).toBe("");
  });

  it("undoes the worktree and its branch when a submodule cannot be fetched", async () => {
    const lib = makeRepo({ "lib.txt": "library\n" });
    const root = makeRepo();
    sh(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "vendor/lib");
    sh(root, "commit", "-qm", "add submodule");
    rmSync(lib, { recursive: true });
    const stateDir = tmp("wt-state-");
    const error = await createWorktree({ cwd: root, name: "sub", stateDir, kind: "agent", owner }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorktreeError);
    expect((error as WorktreeError).code).toBe("GIT_FAILED");
    expect((error as WorktreeError).message).toContain("submodule");
    expect(branches(root)).toEqual(["main"]);
    expect(sh(root, "worktree", "list").split("\n")).toHaveLength(1);
    expect(await listWorktrees(stateDir)).toEqual([]);
  });

  it("checks out an LFS pointer as it is when git-lfs is not installed", async () => {
    const pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "a".repeat(64) + "\nsize 12\n";
    const root = makeRepo({ ".gitattributes": "*.bin filter=lfs diff=lfs merge=lfs -text\n", "model.bin": pointer });
    const record = await createWorktree({ cwd: root, name: "lfs", stateDir: tmp("wt-state-"), kind: "agent", owner });
    expect(readFileSync(join(record.path, "model.bin"), "utf8")).toBe(pointer);
    expect(await worktreeStatus(record)).toMatchObject({ uncommitted: 0, changed_files: 0 });
    write(record.path, { "other.txt": "x\n" });
    expect(await worktreeStatus(record)).toMatchObject({ uncommitted: 1, changed_files: 1 });
  });
});
