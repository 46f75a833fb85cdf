import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AgentWorktree, WorktreeError } from "../src/index.js";
import { branches, makeRepo, sh, tmp, write } from "./helpers.js";

const ask = (cwd: string) => ({ cwd, name: "w", kind: "agent" as const, owner: { pid: process.pid, agent_id: "a1" } });

describe("AgentWorktree", () => {
  it("is planned, checked out and readied, measured, and removed when its agent leaves no work", async () => {
    const root = makeRepo({ "README.md": "hello\n", ".gitignore": "made.txt\n" });
    const settings = { stateDir: tmp("wt-state-"), setup: "echo ready > made.txt" };
    const tree = await AgentWorktree.plan(settings, ask(root));
    // Planned: its branch is there, its files are not, and nothing is read yet.
    expect(branches(root)).toContain(tree.record.branch);
    expect(existsSync(join(tree.cwd, "README.md"))).toBe(false);
    expect(await tree.read()).toBeUndefined();
    await tree.prepare();
    // What the setup left is the worktree's own, never the agent's work.
    expect(tree.record.ready_ignored).toContain("made.txt");
    expect(await tree.read()).toMatchObject({ changed_files: 0, uncommitted: 0, ahead: 0 });
    expect(await tree.release()).toMatchObject({ changed_files: 0 });
    expect(tree.state).toBe("removed");
    expect(existsSync(tree.record.path)).toBe(false);
    expect(branches(root)).toEqual(["main"]);
  });

  it("is kept on its branch when it holds work, a pool task's work going to a branch of its own first", async () => {
    const root = makeRepo();
    const settings = { stateDir: tmp("wt-state-") };
    const tree = await AgentWorktree.plan(settings, ask(root));
    await tree.prepare();
    write(tree.cwd, { "task.txt": "one\n" });
    const work = await tree.snapshot("pool:p#1", "first task\nmore");
    expect(work).toMatchObject({ branch: `${tree.record.branch}-task-1`, changed_files: 1 });
    expect(tree.lastTask).toEqual(work);
    expect(sh(root, "log", "-1", "--format=%s", `${tree.record.branch}-task-1`)).toBe("subagent-mcp: task 1 of pool:p#1");
    write(tree.cwd, { "left.txt": "kept\n" });
    await tree.release();
    expect(tree.state).toBe("kept");
    expect(existsSync(join(tree.cwd, "left.txt"))).toBe(true);
  });

  it("undoes a planned one whose files never came, and a failed setup fails its prepare", async () => {
    const root = makeRepo();
    const settings = { stateDir: tmp("wt-state-") };
    const never = await AgentWorktree.plan(settings, ask(root));
    await never.release();
    expect(never.state).toBe("removed");
    expect(branches(root)).toEqual(["main"]);
    const failing = await AgentWorktree.plan({ ...settings, setup: "exit 3" }, ask(root));
    await expect(failing.prepare()).rejects.toSatisfy((e) => e instanceof WorktreeError && e.code === "SETUP_FAILED");
    await failing.discard();
    expect(existsSync(failing.record.path)).toBe(false);
    expect(branches(root)).toEqual(["main"]);
  });
});
