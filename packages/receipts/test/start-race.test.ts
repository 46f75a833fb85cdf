import { utimesSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AgentEvent } from "@subagent-mcp/core";
import { compilePhrases, Receipts } from "../src/index.js";
import { TreeWatch } from "../src/git-tree.js";
import { makeRepo, tmp, write } from "./git-helpers.js";
import { closedWith } from "./turn-close.js";

// A CLI writes a file and then says so: git may read the turn's start between the two, so the start
// already holds the write when the edit event arrives. The receipt still counts the file.

const close = closedWith("Fixed add().");
const edit = (path: string, id: string): AgentEvent[] => [
  { type: "tool", name: "apply_patch", input: {}, id, kind: "edit", paths: [path] },
  { type: "tool_result", name: "apply_patch", ok: true, id },
];

// Every snapshot a TreeWatch starts, so that a test can wait for a turn's start to be read.
const snapshots: Promise<unknown>[] = [];
const original = Object.getOwnPropertyDescriptor(TreeWatch.prototype, "snapshot")?.value as (this: TreeWatch) => ReturnType<TreeWatch["snapshot"]>;
function spySnapshots(): void {
  vi.spyOn(TreeWatch.prototype, "snapshot").mockImplementation(function (this: TreeWatch) {
    const made = original.call(this);
    snapshots.push(made);
    return made;
  });
}
afterEach(() => {
  vi.restoreAllMocks();
  snapshots.length = 0;
});

describe("a turn whose start is read after its first write", () => {
  it("counts the file its edit tool named from the tree as the last turn left it", async () => {
    spySnapshots();
    const root = makeRepo({ "a.txt": "a\n" });
    const receipts = new Receipts({ phrases: compilePhrases(), dir: tmp("rc-race-") });
    try {
      // Turn 1 writes a file and ends: the tree it left is read after its receipt.
      receipts.begin({ id: "a1", cwd: root, turn: 1, prompt: "start" });
      await Promise.all(snapshots);
      write(root, { "b.txt": "b\n" });
      for (const event of edit(join(root, "b.txt"), "e1")) receipts.see("a1", event);
      expect((await receipts.end("a1", close)).files.changed.map((f) => f.path)).toEqual(["b.txt"]);
      await Promise.all(snapshots);

      // Turn 2: the write lands before git reads the start, and its event only after.
      receipts.begin({ id: "a1", cwd: root, turn: 2, prompt: "Fix add()." });
      write(root, { "src/add.js": "export const add = (a, b) => a + b;\n" });
      await Promise.all(snapshots);
      for (const event of edit(join(root, "src", "add.js"), "e2")) receipts.see("a1", event);
      const receipt = await receipts.end("a1", close);
      expect(receipt.files).toMatchObject({ source: "git", changed: [{ path: "src/add.js", change: "added", added: 1, removed: 0 }] });
      expect(receipt.suspect).toBeUndefined();
    } finally {
      await receipts.close();
    }
  });

  it("still counts nothing for an edit that wrote a file back as it was", async () => {
    spySnapshots();
    const root = makeRepo({ "a.txt": "a\n" });
    const receipts = new Receipts({ phrases: compilePhrases(), dir: tmp("rc-race-") });
    try {
      receipts.begin({ id: "a1", cwd: root, turn: 1, prompt: "start" });
      await Promise.all(snapshots);
      write(root, { "b.txt": "b\n" });
      for (const event of edit(join(root, "b.txt"), "e0")) receipts.see("a1", event);
      await receipts.end("a1", close);
      await Promise.all(snapshots);
      receipts.begin({ id: "a1", cwd: root, turn: 2, prompt: "again" });
      for (const event of edit(join(root, "a.txt"), "e1")) receipts.see("a1", event);
      write(root, { "a.txt": "a\n" });
      const receipt = await receipts.end("a1", close);
      expect(receipt.files).toMatchObject({ source: "git", changed: [], total: { files: 0 } });
    } finally {
      await receipts.close();
    }
  });
});

describe("an agent's first turn, whose start is read after its first write", () => {
  it("lists the file its edit tool named as written beside git's count, and says the count is not exact", async () => {
    spySnapshots();
    const root = makeRepo({ "a.txt": "a\n" });
    const receipts = new Receipts({ phrases: compilePhrases(), dir: tmp("rc-race-") });
    try {
      receipts.begin({ id: "a1", cwd: join(root, "src"), turn: 1, prompt: "Fix add()." });
      // The write lands before git reads the start (which then holds it); its event comes after.
      write(root, { "src/add.js": "export const add = (a, b) => a + b;\n", "b.txt": "b\n" });
      await Promise.all(snapshots);
      write(root, { "c.txt": "c\n" });
      for (const event of edit(join(root, "src", "add.js"), "e1")) receipts.see("a1", event);
      const receipt = await receipts.end("a1", close);
      // c.txt (a command's write, say) is git's; src/add.js, from the repository's top, is the edit tool's.
      expect(receipt.files).toMatchObject({
        source: "git",
        changed: [
          { path: "c.txt", change: "added" },
          { path: "src/add.js", change: "written" },
        ],
        total: { files: 2 },
      });
      expect(receipt.files.undetermined).toMatch(/after the agent wrote a file/);
      expect(receipt.suspect).toBeUndefined();
    } finally {
      await receipts.close();
    }
  });

  it("lists nothing it named that was not written in the turn (an edit that failed)", async () => {
    spySnapshots();
    const root = makeRepo({ "a.txt": "a\n" });
    // Last written a minute before the turn: the edit that names it wrote nothing.
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(join(root, "a.txt"), aMinuteAgo, aMinuteAgo);
    const receipts = new Receipts({ phrases: compilePhrases(), dir: tmp("rc-race-") });
    try {
      receipts.begin({ id: "a1", cwd: root, turn: 1, prompt: "Fix a." });
      await Promise.all(snapshots);
      write(root, { "b.txt": "b\n" });
      for (const event of edit(join(root, "a.txt"), "e1")) receipts.see("a1", event);
      const files = (await receipts.end("a1", closedWith("Could not fix a."))).files;
      expect(files).toMatchObject({ source: "git", changed: [{ path: "b.txt", change: "added" }], total: { files: 1 } });
      expect(files.undetermined).toBeUndefined();
    } finally {
      await receipts.close();
    }
  });
});
