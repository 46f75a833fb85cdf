import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { selfRef } from "@subagent-mcp/state";
import { adoptWorktree, createWorktree, releaseWorktree, WorktreeRecordSchema, worktreeStatus, WorktreeError } from "../src/index.js";
import { branches, checkoutState, makeRepo, sh, tmp, write } from "./helpers.js";

const owner = { pid: process.pid };
const fresh = async (root = makeRepo()) => createWorktree({ cwd: root, name: "w", stateDir: tmp("wt-state-"), kind: "agent", owner });
const readRecord = (path: string) => WorktreeRecordSchema.parse(JSON.parse(readFileSync(`${path}.json`, "utf8")));

describe("worktreeStatus", () => {
  it("counts uncommitted entries, commits ahead and distinct changed files against the base", async () => {
    const record = await fresh();
    expect(await worktreeStatus(record)).toEqual({ head: record.base_commit, changed_files: 0, uncommitted: 0, ahead: 0, ignored_work: 0 });
    write(record.path, { "README.md": "committed\n", "a.txt": "a\n" });
    sh(record.path, "add", "-A");
    sh(record.path, "commit", "-qm", "one");
    write(record.path, { "README.md": "again\n", "src/app.ts": "changed\n", "new/b.txt": "b\n", "new/c.txt": "c\n" });
    const status = await worktreeStatus(record);
    expect(status).toEqual({ head: sh(record.path, "rev-parse", "HEAD"), changed_files: 5, uncommitted: 4, ahead: 1, ignored_work: 0 });
  });

  it("is GIT_FAILED when the worktree is gone", async () => {
    const record = await fresh();
    rmSync(record.path, { recursive: true });
    await expect(worktreeStatus(record)).rejects.toSatisfy((e) => e instanceof WorktreeError && e.code === "GIT_FAILED");
  });
});

describe("releaseWorktree", () => {
  it("removes a clean worktree with its branch and record, leaving the user's checkout as it was", async () => {
    const root = makeRepo();
    const before = checkoutState(root);
    const record = await fresh(root);
    const result = await releaseWorktree(record);
    expect(result).toEqual({ removed: true, status: { head: record.base_commit, changed_files: 0, uncommitted: 0, ahead: 0, ignored_work: 0 } });
    expect(existsSync(record.path)).toBe(false);
    expect(existsSync(`${record.path}.json`)).toBe(false);
    expect(branches(root)).toEqual(["main"]);
    expect(sh(root, "worktree", "list").split("\n")).toHaveLength(1);
    expect(checkoutState(root)).toEqual(before);
  });

  it("removes a worktree whose only leftovers are ignored files", async () => {
    const root = makeRepo({ ".gitignore": "build/\n", "README.md": "x\n" });
    const record = await fresh(root);
    write(record.path, { "build/out.js": "generated\n" });
    expect((await releaseWorktree(record)).removed).toBe(true);
    expect(existsSync(record.path)).toBe(false);
  });

  it("keeps a worktree with uncommitted changes and marks it ended", async () => {
    const root = makeRepo();
    const before = checkoutState(root);
    const record = await fresh(root);
    write(record.path, { "README.md": "edited\n" });
    const result = await releaseWorktree(record);
    expect(result.removed).toBe(false);
    expect(result.status).toMatchObject({ uncommitted: 1, changed_files: 1, ahead: 0 });
    expect(readFileSync(join(record.path, "README.md"), "utf8")).toBe("edited\n");
    expect(readRecord(record.path).ended_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(branches(root)).toContain(record.branch);
    expect(checkoutState(root)).toEqual(before);
  });

  it("keeps committed work (worktree and branch)", async () => {
    const root = makeRepo();
    const record = await fresh(root);
    write(record.path, { "feature.txt": "done\n" });
    sh(record.path, "add", "-A");
    sh(record.path, "commit", "-qm", "feature");
    const result = await releaseWorktree(record);
    expect(result).toMatchObject({ removed: false, status: { ahead: 1, uncommitted: 0 } });
    expect(existsSync(join(record.path, "feature.txt"))).toBe(true);
    expect(branches(root)).toContain(record.branch);
  });

  it("with force removes work too", async () => {
    const root = makeRepo();
    const record = await fresh(root);
    write(record.path, { "feature.txt": "done\n" });
    sh(record.path, "add", "-A");
    sh(record.path, "commit", "-qm", "feature");
    write(record.path, { "more.txt": "more\n" });
    const result = await releaseWorktree(record, { force: true });
    expect(result).toMatchObject({ removed: true, status: { ahead: 1, uncommitted: 1 } });
    expect(existsSync(record.path)).toBe(false);
    expect(branches(root)).toEqual(["main"]);
  });

  it("refuses a record whose path is the user's checkout", async () => {
    const root = makeRepo();
    const record = await fresh(root);
    const forged = { ...record, path: root, id: root.split("/").pop() ?? "" };
    await expect(releaseWorktree(forged, { force: true })).rejects.toSatisfy((e) => e instanceof WorktreeError && e.code === "NOT_OURS");
    expect(existsSync(join(root, "README.md"))).toBe(true);
  });
});

describe("adoptWorktree", () => {
  it("gives a kept worktree to a new owner, no longer ended, and refuses paths that are not ours or gone", async () => {
    const root = makeRepo();
    const record = await fresh(root);
    write(record.path, { "README.md": "edited\n" });
    await releaseWorktree(record);
    const adopted = await adoptWorktree(record.path, { pid: process.pid, agent_id: "again" });
    expect(adopted.ended_at).toBeUndefined();
    // The owner's start time is stamped on, so a reused pid never counts as this owner.
    expect(adopted.owner).toEqual({ pid: process.pid, agent_id: "again", start: selfRef().start });
    expect(WorktreeRecordSchema.parse(JSON.parse(readFileSync(`${record.path}.json`, "utf8"))).owner.agent_id).toBe("again");
    await expect(adoptWorktree(root, { pid: 1 })).rejects.toMatchObject({ code: "NOT_OURS" });
    rmSync(record.path, { recursive: true, force: true });
    await expect(adoptWorktree(record.path, { pid: 1 })).rejects.toMatchObject({ code: "GIT_FAILED" });
  });
});
