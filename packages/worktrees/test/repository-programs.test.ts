import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createWorktree, releaseWorktree, snapshotAndReset, worktreeStatus } from "../src/index.js";
import { makeRepo, sh, tmp, write } from "./helpers.js";

// A repository's config can name programs git runs by itself (an fsmonitor hook, filters, hooks),
// and an agent working in one of its worktrees can write that config. Our git work on worktrees
// (create, counts, a pool task's snapshot, release) runs none of them.

describe("worktree git work runs no program the repository names", () => {
  it("fsmonitor, hooks and filters, including a filter added while the agent works", async () => {
    const marker = join(tmp("wt-marker-"), "ran");
    const script = join(tmp("wt-script-"), "run.sh");
    writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> '${marker}'\ncat\n`);
    chmodSync(script, 0o755);
    const root = makeRepo({ ".gitattributes": "*.txt filter=evil\n*.md filter=late\n", "a.txt": "a\n", "README.md": "r\n" });
    sh(root, "config", "core.fsmonitor", script);
    for (const key of ["clean", "smudge", "process"]) sh(root, "config", `filter.evil.${key}`, script);
    sh(root, "config", "filter.evil.required", "true");
    const hooks = join(root, ".git", "hooks");
    mkdirSync(hooks, { recursive: true });
    for (const hook of ["post-checkout", "post-index-change", "pre-commit", "post-commit", "reference-transaction"]) {
      writeFileSync(join(hooks, hook), `#!/bin/sh\necho ${hook} >> '${marker}'\n`);
      chmodSync(join(hooks, hook), 0o755);
    }
    const record = await createWorktree({ cwd: root, name: "hostile", stateDir: tmp("wt-state-"), kind: "replica", owner: { pid: process.pid } });
    sh(root, "config", "filter.late.clean", script);
    write(record.path, { "a.txt": "a\nb\n", "README.md": "changed\n", "new.txt": "n\n" });
    expect(await worktreeStatus(record)).toMatchObject({ uncommitted: 3, changed_files: 3 });
    expect(await snapshotAndReset(record, "task/hostile", "the task")).toMatchObject({ changed_files: 3 });
    write(record.path, { "b.txt": "b\n" });
    expect((await releaseWorktree(record)).removed).toBe(false);
    expect(existsSync(marker)).toBe(false);
  });
});
