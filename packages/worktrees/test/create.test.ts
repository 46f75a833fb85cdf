import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { agentCwd, checkoutWorktree, createWorktree, discardPlanned, findRepo, planWorktree, WorktreeError, WorktreeRecordSchema } from "../src/index.js";
import { branches, checkoutState, makeRepo, sh, tmp, write } from "./helpers.js";

const owner = { pid: process.pid, agent_id: "a1" };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof WorktreeError ? `${error.code}: ${error.message}` : `not a WorktreeError: ${String(error)}`;
  }
  return "no error";
}

describe("findRepo", () => {
  it("gives the main worktree root and cwd's posix sub-directory", async () => {
    const root = makeRepo();
    expect(await findRepo(join(root, "src"))).toEqual({ root, subdir: "src" });
    expect(await findRepo(root)).toEqual({ root, subdir: "" });
  });

  it("refuses a directory outside any repository and a bare repository, naming the directory", async () => {
    const plain = tmp("wt-plain-");
    const outside = await codeOf(findRepo(plain));
    expect(outside).toMatch(/^NOT_A_REPO: /);
    expect(outside).toContain(plain);
    expect(outside).toContain("git init");
    const bare = tmp("wt-bare-");
    sh(bare, "init", "-q", "--bare");
    expect(await codeOf(findRepo(bare))).toMatch(/^NOT_A_REPO: .*bare/);
  });
});

describe("createWorktree", () => {
  it("checks out the base on subagent/<slug>, keeps cwd's sub-directory and writes a private record", async () => {
    const root = makeRepo();
    const stateDir = tmp("wt-state-");
    const record = await createWorktree({ cwd: join(root, "src"), name: "Fix Bug!", stateDir, kind: "agent", owner });
    expect(record).toMatchObject({ id: "fix-bug-", branch: "subagent/fix-bug-", base: "HEAD", repo: root, subdir: "src" });
    expect(record.base_commit).toBe(sh(root, "rev-parse", "HEAD"));
    expect(record.path).toMatch(new RegExp(`^${stateDir}/worktrees/wt-repo-[^/]+-[0-9a-f]{8}/fix-bug-$`));
    expect(agentCwd(record)).toBe(join(record.path, "src"));
    expect(readFileSync(join(agentCwd(record), "app.ts"), "utf8")).toBe("export {};\n");
    expect(sh(record.path, "rev-parse", "--abbrev-ref", "HEAD")).toBe("subagent/fix-bug-");
    const file = `${record.path}.json`;
    expect(WorktreeRecordSchema.parse(JSON.parse(readFileSync(file, "utf8")))).toEqual(record);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(stateDir, "worktrees")).mode & 0o777).toBe(0o700);
  });

  it("makes cwd's sub-directory when the base lacks it", async () => {
    const root = makeRepo();
    write(root, { "new/dir/.keep": "" });
    const record = await createWorktree({ cwd: join(root, "new/dir"), name: "x", stateDir: tmp("wt-state-"), kind: "agent", owner });
    expect(record.subdir).toBe("new/dir");
    expect(statSync(agentCwd(record)).isDirectory()).toBe(true);
  });

  it("starts from a detached HEAD and from a named base", async () => {
    const root = makeRepo();
    const first = sh(root, "rev-parse", "HEAD");
    write(root, { "README.md": "second\n" });
    sh(root, "commit", "-qam", "second");
    sh(root, "checkout", "-q", "--detach", first);
    const stateDir = tmp("wt-state-");
    const detached = await createWorktree({ cwd: root, name: "d", stateDir, kind: "agent", owner });
    expect(detached.base_commit).toBe(first);
    const named = await createWorktree({ cwd: root, base: "main", name: "n", stateDir, kind: "replica", owner });
    expect(named).toMatchObject({ base: "main", base_commit: sh(root, "rev-parse", "main"), kind: "replica" });
    expect(readFileSync(join(named.path, "README.md"), "utf8")).toBe("second\n");
  });

  it("refuses an unknown base with BAD_BASE and leaves nothing behind", async () => {
    const root = makeRepo();
    const stateDir = tmp("wt-state-");
    const error = await codeOf(createWorktree({ cwd: root, base: "no-such-branch", name: "x", stateDir, kind: "agent", owner }));
    expect(error).toMatch(/^BAD_BASE: .*no-such-branch/);
    expect(await codeOf(createWorktree({ cwd: root, base: "--all", name: "x", stateDir, kind: "agent", owner }))).toMatch(/^BAD_BASE/);
    expect(branches(root)).toEqual(["main"]);
  });

  it("refuses a directory that is not in a repository", async () => {
    const error = await codeOf(createWorktree({ cwd: tmp("wt-plain-"), name: "x", stateDir: tmp("wt-state-"), kind: "agent", owner }));
    expect(error).toMatch(/^NOT_A_REPO/);
  });

  it("appends -2, -3 when the name is taken (by a branch or a directory)", async () => {
    const root = makeRepo();
    const stateDir = tmp("wt-state-");
    sh(root, "branch", "subagent/task");
    const a = await createWorktree({ cwd: root, name: "task", stateDir, kind: "agent", owner });
    const b = await createWorktree({ cwd: root, name: "task", stateDir, kind: "agent", owner });
    expect([a.id, b.id]).toEqual(["task-2", "task-3"]);
  });

  it("keeps slugs to safe ref and directory names", async () => {
    const root = makeRepo();
    const stateDir = tmp("wt-state-");
    const made = await Promise.all(
      ["..hidden", "-dash", "x.lock", "a/../b", "Ünïcode name", "x".repeat(80)].map((name) =>
        createWorktree({ cwd: root, name, stateDir, kind: "agent", owner }),
      ),
    );
    const ids = made.map((r) => r.id);
    expect(ids.slice(0, 5)).toEqual(["hidden", "dash", "x", "a-.-b", "n-code-name"]);
    expect(ids[5]).toBe("x".repeat(60));
  });

  it("lets five agents start at once in one repository", async () => {
    const root = makeRepo();
    const stateDir = tmp("wt-state-");
    const made = await Promise.all([1, 2, 3, 4, 5].map(() => createWorktree({ cwd: root, name: "same", stateDir, kind: "agent", owner })));
    const names = made.map((r) => r.branch).sort();
    expect(new Set(names).size).toBe(5);
    expect(names).toEqual(["subagent/same", "subagent/same-2", "subagent/same-3", "subagent/same-4", "subagent/same-5"]);
    for (const r of made) expect(existsSync(join(r.path, "README.md"))).toBe(true);
    expect(sh(root, "worktree", "list").split("\n")).toHaveLength(6);
  });

  it("ignores GIT_DIR and GIT_WORK_TREE inherited from a parent git", async () => {
    const root = makeRepo();
    const other = makeRepo();
    process.env.GIT_DIR = join(other, ".git");
    process.env.GIT_WORK_TREE = other;
    try {
      const record = await createWorktree({ cwd: root, name: "x", stateDir: tmp("wt-state-"), kind: "agent", owner });
      expect(record.repo).toBe(root);
    } finally {
      delete process.env.GIT_DIR;
      delete process.env.GIT_WORK_TREE;
    }
    expect(branches(other)).toEqual(["main"]);
  });

  it("leaves the user's checkout byte for byte as it was", async () => {
    const root = makeRepo();
    write(root, { "notes.txt": "uncommitted work\n" });
    const before = checkoutState(root);
    const record = await createWorktree({ cwd: root, name: "x", stateDir: tmp("wt-state-"), kind: "agent", owner });
    write(record.path, { "README.md": "changed in the worktree\n", "extra.txt": "new\n" });
    sh(record.path, "add", "-A");
    sh(record.path, "commit", "-qm", "agent work");
    expect(checkoutState(root)).toEqual(before);
  });
});

describe("planWorktree, checkoutWorktree and discardPlanned", () => {
  it("plans branch, directory and record first; the files come with the checkout; a plan never checked out is undone", async () => {
    const root = makeRepo();
    const stateDir = tmp("wt-state-");
    const owner = { pid: process.pid };
    const planned = await planWorktree({ cwd: join(root, "src"), name: "later", stateDir, kind: "agent", owner });
    expect(branches(root)).toContain("subagent/later");
    expect(existsSync(`${planned.path}.json`)).toBe(true);
    expect(existsSync(join(planned.path, "README.md"))).toBe(false);
    await checkoutWorktree(planned);
    expect(readFileSync(join(agentCwd(planned), "app.ts"), "utf8")).toBe("export {};\n");

    const never = await planWorktree({ cwd: root, name: "never", stateDir, kind: "agent", owner });
    await discardPlanned(never);
    expect(existsSync(never.path)).toBe(false);
    expect(existsSync(`${never.path}.json`)).toBe(false);
    expect(branches(root)).not.toContain("subagent/never");
  });
});
