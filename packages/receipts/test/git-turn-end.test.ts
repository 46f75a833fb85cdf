import { appendFileSync, chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TreeWatch, type TreeChanges } from "../src/index.js";
import { git, makeRepo, tmp, write } from "./git-helpers.js";

// A turn's end reads the working tree against the private index the start's snapshot left, and
// writes nothing. Each case is also read the way that stages the tree and compares trees (a
// snapshot, then diff): both must say the same.

const none = { source: "git", changed: [], total: { files: 0, added: 0, removed: 0 } };

/** Every file under `dir` with its bytes (what the turn's end must leave as it was). */
function contents(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name !== "new-files" && !entry.name.startsWith("new-files.")) {
      const path = join(entry.parentPath, entry.name);
      found[path] = readFileSync(path).toString("base64");
    }
  }
  return found;
}

/** The changes of `change` read at the turn's end, checked against the staged tree's and (unless `staged`) against `dir` left unwritten. */
async function turn(root: string, change: () => void, staged = false): Promise<TreeChanges> {
  const dir = join(tmp("rc-own-"), "watch");
  const w = new TreeWatch({ cwd: root, dir });
  const start = await w.snapshot();
  change();
  const before = contents(dir);
  const changes = await w.changesSince(start, 50);
  if (!staged) expect(contents(dir)).toEqual(before);
  expect(await w.diff(start, await w.snapshot(), 50)).toEqual(changes);
  await w.close();
  return changes;
}

describe("a turn's end against the start's index", () => {
  it("leaves out a file touched or written back as it was, text or binary", async () => {
    const root = makeRepo({ "a.txt": "a\nb\n", "img.bin": Buffer.from([0, 1, 2, 0]) });
    const changes = await turn(root, () => {
      const later = new Date(Date.now() + 60_000);
      utimesSync(join(root, "a.txt"), later, later);
      utimesSync(join(root, "img.bin"), later, later);
      write(root, { "a.txt": "a\nb\n", "img.bin": Buffer.from([0, 1, 2, 0]) });
      utimesSync(join(root, "a.txt"), later, later);
    });
    expect(changes).toEqual(none);
  });

  it("counts a change of mode alone, and a binary file's real change", async () => {
    const root = makeRepo({ "run.sh": "echo\n", "img.bin": Buffer.from([0, 1, 2, 0]) });
    const changes = await turn(root, () => {
      chmodSync(join(root, "run.sh"), 0o755);
      write(root, { "img.bin": Buffer.from([0, 1, 2, 3]) });
    });
    expect(changes).toEqual({
      source: "git",
      changed: [
        { path: "img.bin", change: "modified", binary: true },
        { path: "run.sh", change: "modified", added: 0, removed: 0 },
      ],
      total: { files: 2, added: 0, removed: 0 },
    });
  });

  it("counts added files as git does: binary, a NUL past 8000 bytes, no trailing newline, empty, a symbolic link", async () => {
    const root = makeRepo({ "keep.txt": "k\n" });
    const changes = await turn(root, () => {
      write(root, {
        "bin.dat": Buffer.from([1, 0, 2]),
        "late-nul.txt": Buffer.concat([Buffer.from("x\n".repeat(4001)), Buffer.from([0, 10])]),
        "no-newline.txt": "a\nb",
        "empty.txt": "",
      });
      symlinkSync("keep.txt", join(root, "link"));
    });
    expect(changes).toEqual({
      source: "git",
      changed: [
        { path: "bin.dat", change: "added", binary: true },
        { path: "empty.txt", change: "added", added: 0, removed: 0 },
        { path: "late-nul.txt", change: "added", added: 4002, removed: 0 },
        { path: "link", change: "added", added: 1, removed: 0 },
        { path: "no-newline.txt", change: "added", added: 2, removed: 0 },
      ],
      total: { files: 5, added: 4005, removed: 0 },
    });
  });

  it("reads deleted files, one deleted and written again (as it was, and changed), and files in new folders", async () => {
    const root = makeRepo({ "gone.txt": "1\n2\n", "back.txt": "b\n", "again.txt": "x\n" });
    const changes = await turn(root, () => {
      unlinkSync(join(root, "gone.txt"));
      unlinkSync(join(root, "back.txt"));
      write(root, { "back.txt": "b\n" });
      rmSync(join(root, "again.txt"));
      write(root, { "again.txt": "y\n", "new/deep/er/file.txt": "n\n" });
    });
    expect(changes).toEqual({
      source: "git",
      changed: [
        { path: "again.txt", change: "modified", added: 1, removed: 1 },
        { path: "gone.txt", change: "deleted", added: 0, removed: 2 },
        { path: "new/deep/er/file.txt", change: "added", added: 1, removed: 0 },
      ],
      total: { files: 3, added: 2, removed: 3 },
    });
  });

  it("reads paths with spaces, non-ASCII, newlines and tabs, added and modified", async () => {
    const odd = "dir with space/ü\nline\tand tab.txt";
    const root = makeRepo({ [odd]: "1\n" });
    const changes = await turn(root, () => {
      appendFileSync(join(root, odd), "2\n");
      write(root, { "new dir/é\nnew.txt": "a\n" });
    });
    expect(changes).toEqual({
      source: "git",
      changed: [
        { path: odd, change: "modified", added: 1, removed: 0 },
        { path: "new dir/é\nnew.txt", change: "added", added: 1, removed: 0 },
      ],
      total: { files: 2, added: 2, removed: 0 },
    });
  });

  it("says binary or text of a new file as its attributes and the config's diff drivers say", async () => {
    const root = makeRepo({ ".gitattributes": "*.dat binary\n*.raw diff\n*.pic diff=picture\n*.src diff=cpp\n" });
    const global = process.env.GIT_CONFIG_GLOBAL ?? "";
    appendFileSync(global, '[diff "picture"]\n\tbinary = true\n');
    const changes = await turn(root, () => {
      write(root, { "a.dat": "text\n", "b.raw": Buffer.from("a\n\0b\n"), "c.pic": "text\n", "d.src": "int x;\n" });
    });
    expect(changes).toEqual({
      source: "git",
      changed: [
        { path: "a.dat", change: "added", binary: true },
        { path: "b.raw", change: "added", added: 2, removed: 0 },
        { path: "c.pic", change: "added", binary: true },
        { path: "d.src", change: "added", added: 1, removed: 0 },
      ],
      total: { files: 4, added: 3, removed: 0 },
    });
  });

  it("reads a nested repository's commit as staging it would, and nothing of its own changes", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const inner = join(root, "inner");
    mkdirSync(inner);
    git(inner, "init", "-q");
    write(inner, { "x.txt": "x\n" });
    git(inner, "add", "x.txt");
    git(inner, "commit", "-q", "-m", "inner");
    git(root, "add", "inner");
    git(root, "commit", "-q", "-m", "with inner");
    expect(
      await turn(root, () => {
        write(inner, { "x.txt": "dirty\n", "y.txt": "y\n" });
      }),
    ).toEqual(none);
    const moved = await turn(root, () => {
      git(inner, "add", "x.txt");
      git(inner, "commit", "-q", "-m", "moved");
    });
    expect(moved).toMatchObject({ changed: [{ path: "inner", change: "modified" }], total: { files: 1 } });
  });

  it("stages the tree where the index cannot say: a nested repository with a commit, a start older than the last snapshot", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const nested = await turn(
      root,
      () => {
        mkdirSync(join(root, "inner"));
        git(join(root, "inner"), "init", "-q");
        writeFileSync(join(root, "inner", "x.txt"), "x\n");
        git(join(root, "inner"), "add", "x.txt");
        git(join(root, "inner"), "commit", "-q", "-m", "inner");
      },
      true,
    );
    expect(nested).toMatchObject({ changed: [{ path: "inner", change: "added" }], total: { files: 1 } });
    const w = new TreeWatch({ cwd: root, dir: join(tmp("rc-own-"), "watch") });
    const first = await w.snapshot();
    write(root, { "a.txt": "a\nb\n" });
    await w.snapshot();
    write(root, { "c.txt": "c\n" });
    expect(await w.changesSince(first, 50)).toEqual({
      source: "git",
      changed: [
        { path: "a.txt", change: "modified", added: 1, removed: 0 },
        { path: "c.txt", change: "added", added: 1, removed: 0 },
      ],
      total: { files: 2, added: 2, removed: 0 },
    });
    await w.close();
  });
});
