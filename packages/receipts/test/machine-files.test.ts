import { describe, expect, it } from "vitest";
import type { AgentEvent, TurnFiles } from "@subagent-mcp/core";
import { compilePhrases, Receipts } from "../src/index.js";
import { tmp, write } from "./git-helpers.js";
import { closedWith } from "./turn-close.js";

// A turn on a machine of the fleet: that machine reads its files (Receipts.files, in its own folder)
// and the orchestrator's receipt takes them with the tools it counted; a machine that sent none is
// said not to have been read here.

const close = closedWith("Done.");
const edit: AgentEvent[] = [
  { type: "tool", name: "Write", input: {}, id: "w", kind: "edit", paths: ["NOTE.md"] },
  { type: "tool_result", name: "Write", ok: true, id: "w" },
];

describe("files of a turn on another machine", () => {
  it("the orchestrator's receipt holds the files as the machine read them, with the tools it counted itself", async () => {
    // What the machine read with git in the agent's folder there (the e2e reads it on a real node).
    const files: TurnFiles = {
      files: { source: "git", changed: [{ path: "NOTE.md", change: "added", added: 1, removed: 0 }], total: { files: 1, added: 1, removed: 0 } },
      undetermined: [],
    };
    const server = new Receipts({ phrases: compilePhrases(), dir: tmp("rc-server-") });
    server.begin({ id: "a1", cwd: "/not/here", turn: 1, prompt: "note it", machine: "b" });
    for (const event of edit) server.see("a1", event);
    const receipt = await server.end("a1", { ...close, files });
    expect(receipt.files).toEqual(files.files);
    expect(receipt.tools).toMatchObject({ calls: 1, by_kind: { edit: 1 } });
    expect(receipt.undetermined).toBeUndefined();

    // The machine's reason, when it could not read them, is the receipt's.
    server.begin({ id: "a1", cwd: "/not/here", turn: 2, prompt: "again", machine: "b" });
    for (const event of edit) server.see("a1", event);
    const why = "files from git: git took longer than 2000 ms";
    const slow = await server.end("a1", { ...close, files: { files: { ...files.files, undetermined: "git took longer than 2000 ms" }, undetermined: [why] } });
    expect(slow.undetermined).toEqual([why]);
    expect(slow.files.undetermined).toBe("git took longer than 2000 ms");

    // A machine that sends no files (an older node): not read here, and said so.
    server.begin({ id: "a1", cwd: "/not/here", turn: 3, prompt: "again", machine: "b" });
    for (const event of edit) server.see("a1", event);
    const older = await server.end("a1", close);
    expect(older.undetermined).toEqual(["files from git: it runs on b"]);
    await server.close();
  });

  it("a folder that is not a repository: the machine's reason goes with the files its edit tools named", async () => {
    const plain = tmp("rc-plain-");
    const node = new Receipts({ phrases: compilePhrases(), dir: tmp("rc-node-") });
    node.begin({ id: "r-1", cwd: plain, turn: 1, prompt: "note it" });
    write(plain, { "NOTE.md": "one\n" });
    for (const event of edit) node.see("r-1", event);
    const files = await node.files("r-1");
    await node.close();
    expect(files.files).toMatchObject({ source: "tools", changed: [{ path: "NOTE.md", change: "written" }] });
    expect(files.undetermined).toContainEqual(expect.stringMatching(/^files from git: not a git repository/));
  });

  it("an agent with no turn begun: nothing to read, and why", async () => {
    const node = new Receipts({ phrases: compilePhrases(), dir: tmp("rc-node-") });
    expect(await node.files("nobody")).toEqual({
      files: { source: "none", changed: [], total: { files: 0, added: 0, removed: 0 } },
      undetermined: ["files from git: no turn was seen starting"],
    });
  });
});
