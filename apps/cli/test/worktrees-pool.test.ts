import { execa } from "execa";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, endServer, startE2E, type E2E } from "./e2e.js";
import { git, snapshot, write } from "./git-e2e.js";

// A pool agent with isolation: worktree, end to end: each task's work lands on a branch of its own and the
// replica's worktree goes back to its base before the next task.

interface Work {
  branch: string;
  commit: string;
  changed_files: number;
}
interface Invoked {
  status: string;
  agent_id: string;
  is_error?: boolean;
  result?: string;
  work?: Work;
}
interface Row {
  agent_id: string;
  worktree?: { path: string; branch: string; base: string; state: string };
}

const DEFINITION = `---
name: coder
description: Writes the files it is asked to write.
provider: claude
permission_mode: acceptEdits
isolation: worktree
base: main
---
You write the files you are asked to write.
`;

let s: E2E;
let repo: string;

beforeAll(async () => {
  s = await startE2E();
  repo = s.env.cwd;
  write(join(repo, "README.md"), "a project\n");
  write(join(repo, ".subagent-mcp", "agents", "coder.md"), DEFINITION);
  write(join(repo, ".subagent-mcp", "agents", "pair.md"), DEFINITION.replace("name: coder", "name: pair").replace("base: main", "replicas: 2"));
  await git(repo, "init", "-q", "-b", "main");
  await git(repo, "add", "-A");
  await git(repo, "commit", "-qm", "initial");
}, 60_000);

afterAll(async () => {
  await s.close();
});

describe("pool agents with isolation: worktree through the built CLI", () => {
  it("two tasks at once on two replicas: two worktrees, each task's work on its own branch", { timeout: 240_000 }, async () => {
    const before = snapshot(repo);
    const tasks = ["[[edit:left.txt|left\n]]", "[[edit:right.txt|right\n]]"];
    const [left, right] = await Promise.all(tasks.map((task) => s.call<Invoked>("invoke", { agent: "pair", task, timeout_s: 120 })));
    for (const out of [left, right]) {
      expect(out?.status, JSON.stringify(out)).toBe("done");
      expect(out?.work, out?.result).toMatchObject({ changed_files: 1 });
    }
    expect(left?.agent_id).not.toBe(right?.agent_id);
    expect(left?.work?.branch).not.toBe(right?.work?.branch);
    expect(await git(repo, "diff", "--name-only", `main..${left?.work?.branch ?? ""}`)).toBe("left.txt");
    expect(await git(repo, "diff", "--name-only", `main..${right?.work?.branch ?? ""}`)).toBe("right.txt");
    const rows = (await s.call<{ agents: Row[] }>("list_agents")).agents.filter((r) => r.agent_id === left?.agent_id || r.agent_id === right?.agent_id);
    expect(new Set(rows.map((r) => r.worktree?.path)).size).toBe(2);
    expect(snapshot(repo)).toEqual(before);
    expect(await git(repo, "status", "--porcelain")).toBe("");
  });

  it(
    "two tasks in a row on one replica: each task's work on a branch of its own, the second never sees the first's, the checkout untouched",
    { timeout: 240_000 },
    async () => {
      const before = snapshot(repo);
      const base = (await git(repo, "rev-parse", "main")).trim();

      const first = await s.call<Invoked>("invoke", { agent: "coder", task: "[[edit:one.txt|first task\n]]", timeout_s: 120 });
      expect(first.status, JSON.stringify(first)).toBe("done");
      expect(first.is_error, first.result).toBe(false);
      expect(first.work).toMatchObject({ changed_files: 1 });
      const one = first.work as Work;
      expect(one.branch.startsWith("subagent/coder-")).toBe(true);

      // Between the tasks the replica's worktree is back at its base: the first task's file is gone from it.
      const row = (await s.call<{ agents: Row[] }>("list_agents")).agents.find((r) => r.agent_id === first.agent_id);
      expect(row?.worktree).toMatchObject({ base: "main", state: "active" });
      const replica = row?.worktree?.path as string;
      expect(relative(repo, replica).startsWith("..")).toBe(true);
      expect(existsSync(join(replica, "README.md"))).toBe(true);
      expect(existsSync(join(replica, "one.txt"))).toBe(false);
      expect(await git(replica, "status", "--porcelain")).toBe("");
      expect((await git(replica, "rev-parse", "HEAD")).trim()).toBe(base);

      const answer = await s.client.callTool({ name: "invoke", arguments: { agent: "coder", task: "[[edit:two.txt|second task\n]]", timeout_s: 120 } });
      const second = answer.structuredContent as Invoked;
      expect(second.status, JSON.stringify(second)).toBe("done");
      expect(second.is_error, second.result).toBe(false);
      expect(second.agent_id).toBe(first.agent_id);
      expect(second.work).toMatchObject({ changed_files: 1 });
      const two = second.work as Work;
      expect(two.branch).not.toBe(one.branch);
      expect(JSON.stringify(answer.content)).toContain(`are on branch ${two.branch}`);

      // Each branch is base plus its own task's file, and nothing else.
      for (const [work, file, text] of [
        [one, "one.txt", "first task\n"],
        [two, "two.txt", "second task\n"],
      ] as const) {
        expect((await git(repo, "rev-parse", work.branch)).trim()).toBe(work.commit);
        expect((await git(repo, "rev-parse", `${work.branch}~1`)).trim()).toBe(base);
        expect(await git(repo, "diff", "--name-only", `main..${work.branch}`)).toBe(file);
        expect(await git(repo, "show", `${work.branch}:${file}`)).toBe(text.trimEnd());
      }
      expect(await git(repo, "show", "--stat", "--format=%s", two.branch)).not.toContain("one.txt");
      expect(existsSync(join(replica, "two.txt"))).toBe(false);

      expect(snapshot(repo)).toEqual(before);
      expect(await git(repo, "status", "--porcelain")).toBe("");
      expect((await git(repo, "rev-parse", "HEAD")).trim()).toBe(base);

      // The server's end releases the (clean) replica worktree; the tasks' branches stay.
      await endServer(s);
      expect(existsSync(replica)).toBe(false);
      const listed = await execa(process.execPath, [bin, "worktrees", "--json"], { cwd: repo, env: s.serverEnv, extendEnv: false });
      expect(JSON.parse(listed.stdout)).toEqual([]);
      const left = (await git(repo, "branch", "--list", "subagent/*", "--format=%(refname:short)")).split("\n").sort();
      expect(left).toEqual(expect.arrayContaining([one.branch, two.branch]));
      expect(left).toHaveLength(4);
    },
  );
});
