import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { receiptLine } from "@subagent-mcp/contract";
import type { AgentEvent } from "@subagent-mcp/core";
import { compilePhrases, Receipts } from "../src/index.js";
import { git, makeRepo, tmp, write } from "./git-helpers.js";
import { closedWith } from "./turn-close.js";

// A receipt's files when git cannot answer: undetermined, with git's reason, never a count of none.

const close = closedWith("Done.");

async function turn(cwd: string, gitTimeoutMs: number, events: AgentEvent[], work: () => void) {
  const receipts = new Receipts({ phrases: compilePhrases(), dir: tmp("rc-receipts-"), gitTimeoutMs });
  receipts.begin({ id: "a1", cwd, turn: 1, prompt: "write the file" });
  work();
  for (const event of events) receipts.see("a1", event);
  const receipt = await receipts.end("a1", close);
  await receipts.close();
  return receipt;
}

// An edit tool that named no file (the CLI did not say which): only git could tell.
const unnamedEdit: AgentEvent[] = [
  { type: "tool", name: "Write", input: {}, id: "w", kind: "edit" },
  { type: "tool_result", name: "Write", ok: true, id: "w" },
];
const shell: AgentEvent[] = [
  { type: "tool", name: "Bash", input: {}, id: "s", kind: "shell", command: "./generate > big.bin" },
  { type: "tool_result", name: "Bash", ok: true, id: "s", exitCode: 0 },
];

describe("files a receipt could not read from git", () => {
  it.each([
    ["an edit tool that named no file", unnamedEdit],
    ["a shell command", shell],
  ])("git timing out after %s makes the files undetermined, with the reason", async (_what, events) => {
    const root = makeRepo({ "a.txt": "a\n" });
    // A file git needs seconds to hash, against a bound of 200 ms.
    const r = await turn(root, 200, events, () => {
      write(root, { "big.bin": randomBytes(32_000_000) });
    });
    expect(r.files.undetermined).toMatch(/git took longer than 200 ms$/);
    expect(r.files.total.files).toBe(0);
    expect(r.undetermined).toEqual(expect.arrayContaining([expect.stringMatching(/^files from git: .*git took longer than 200 ms/)]));
    const line = receiptLine(r);
    expect(line).toMatch(/files undetermined \(.*git took longer than 200 ms\)/);
    expect(line).not.toMatch(/files? changed/);
  });

  it("the worktree removed mid-turn: undetermined; the edit tools' files are listed but not counted as the turn's", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const linked = join(tmp("rc-wt-"), "wt");
    git(root, "worktree", "add", "-q", "-b", "gone", linked);
    const edit: AgentEvent[] = [
      { type: "tool", name: "Edit", input: {}, id: "e", kind: "edit", paths: ["a.txt"] },
      { type: "tool_result", name: "Edit", ok: true, id: "e" },
    ];
    const receipts = new Receipts({ phrases: compilePhrases(), dir: tmp("rc-receipts-") });
    receipts.begin({ id: "a1", cwd: linked, turn: 1, prompt: "edit a.txt" });
    for (const event of edit) receipts.see("a1", event);
    git(root, "worktree", "remove", "--force", linked);
    const r = await receipts.end("a1", close);
    await receipts.close();
    expect(r.files).toMatchObject({ source: "tools", changed: [{ path: "a.txt", change: "written" }] });
    // Gone before its start was read, or after: either way git could not say.
    expect(r.files.undetermined).toEqual(expect.any(String));
    expect(receiptLine(r)).toMatch(/files undetermined/);
  });
});

describe("a turn that writes nothing, in a folder known to be a repository", () => {
  it("is git's none changed even when it ends before any snapshot of the turns around it is read", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const receipts = new Receipts({ phrases: compilePhrases(), dir: tmp("rc-receipts-") });
    receipts.begin({ id: "a1", cwd: root, turn: 1, prompt: "write the note" });
    write(root, { "NOTE.md": "one\n" });
    receipts.see("a1", { type: "tool", name: "Write", input: {}, id: "w", kind: "edit", paths: [join(root, "NOTE.md")] });
    receipts.see("a1", { type: "tool_result", name: "Write", ok: true, id: "w" });
    expect((await receipts.end("a1", close)).files.source).toBe("git");
    // The next turn starts and ends within one tick: neither its start nor the last turn's end is read yet.
    receipts.begin({ id: "a1", cwd: root, turn: 2, prompt: "say something" });
    const quiet = await receipts.end("a1", close);
    expect(quiet.files).toEqual({ source: "git", changed: [], total: { files: 0, added: 0, removed: 0 } });
    await receipts.close();
  });
});
