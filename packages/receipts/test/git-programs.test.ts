import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TreeWatch } from "../src/index.js";
import { git, makeRepo, tmp, write } from "./git-helpers.js";

// An agent's repository names programs in its config (an fsmonitor hook, filters, diff drivers,
// hooks): git would run them in our process's name. A receipt's git work runs none of them, and
// still reads the files the turn changed.

/** A script that leaves `marker` when run (and passes its input through, as a filter must). */
function markerScript(marker: string): string {
  const script = join(tmp("rc-script-"), "run.sh");
  writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> '${marker}'\ncat\n`);
  chmodSync(script, 0o755);
  return script;
}

async function turn(root: string, change: () => void) {
  const w = new TreeWatch({ cwd: root, dir: join(tmp("rc-own-"), "watch") });
  const start = await w.snapshot();
  change();
  const changes = await w.changesSince(start, 50);
  const end = await w.turnEnd(start, 50);
  await w.close();
  return { start, changes, end: end.changes };
}

describe("a receipt runs no program the repository names", () => {
  it("an fsmonitor hook and every hook of the repository", async () => {
    const marker = join(tmp("rc-marker-"), "ran");
    const root = makeRepo({ "a.txt": "a\n" });
    git(root, "config", "core.fsmonitor", markerScript(marker));
    const hooks = join(root, ".git", "hooks");
    mkdirSync(hooks, { recursive: true });
    for (const hook of ["post-index-change", "pre-commit", "post-checkout", "reference-transaction"]) {
      writeFileSync(join(hooks, hook), `#!/bin/sh\necho ${hook} >> '${marker}'\n`);
      chmodSync(join(hooks, hook), 0o755);
    }
    const { changes } = await turn(root, () => {
      write(root, { "a.txt": "a\nb\n" });
    });
    expect(changes).toEqual({
      source: "git",
      changed: [{ path: "a.txt", change: "modified", added: 1, removed: 0 }],
      total: { files: 1, added: 1, removed: 0 },
    });
    expect(existsSync(marker)).toBe(false);
  });

  it("clean, smudge and process filters, and one the agent adds mid-turn", async () => {
    const marker = join(tmp("rc-marker-"), "ran");
    const script = markerScript(marker);
    const root = makeRepo({ ".gitattributes": "*.txt filter=evil\n*.md filter=late\n[attr]sneaky filter=evil\n*.js sneaky\n", "a.txt": "a\n" });
    for (const key of ["clean", "smudge", "process"]) git(root, "config", `filter.evil.${key}`, script);
    git(root, "config", "filter.evil.required", "true");
    const { changes } = await turn(root, () => {
      git(root, "config", "filter.late.clean", script);
      write(root, { "a.txt": "a\nb\n", "b.md": "new\n", "c.js": "x\n" });
    });
    expect(changes).toMatchObject({ source: "git", total: { files: 3, added: 3, removed: 0 } });
    expect(existsSync(marker)).toBe(false);
  });

  it("textconv, a diff driver's command and an external diff", async () => {
    const marker = join(tmp("rc-marker-"), "ran");
    const script = markerScript(marker);
    const root = makeRepo({ ".gitattributes": "*.txt diff=evil\n", "a.txt": "a\n" });
    git(root, "config", "diff.evil.textconv", script);
    git(root, "config", "diff.evil.command", script);
    git(root, "config", "diff.external", script);
    const { changes } = await turn(root, () => {
      write(root, { "a.txt": "a\nb\n" });
    });
    expect(changes).toMatchObject({ total: { files: 1, added: 1, removed: 0 } });
    expect(existsSync(marker)).toBe(false);
  });

  it("keeps what the repository's config says of its files: its excludes and its file modes", async () => {
    const root = makeRepo({ "a.sh": "echo\n" });
    git(root, "config", "core.fileMode", "false");
    writeFileSync(join(root, ".git", "info", "exclude"), "local-only/\n");
    const { changes } = await turn(root, () => {
      chmodSync(join(root, "a.sh"), 0o755);
      write(root, { "local-only/x.txt": "x\n", "seen.txt": "s\n" });
    });
    expect(changes).toEqual({
      source: "git",
      changed: [{ path: "seen.txt", change: "added", added: 1, removed: 0 }],
      total: { files: 1, added: 1, removed: 0 },
    });
  });

  it("reads a repository whose index is split", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    git(root, "config", "core.splitIndex", "true");
    git(root, "update-index", "--split-index");
    const { changes } = await turn(root, () => {
      write(root, { "a.txt": "a\nb\n" });
    });
    expect(changes).toEqual({
      source: "git",
      changed: [{ path: "a.txt", change: "modified", added: 1, removed: 0 }],
      total: { files: 1, added: 1, removed: 0 },
    });
  });
});
