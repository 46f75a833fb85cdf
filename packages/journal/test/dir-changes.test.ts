import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { JournalWriter, listAgents, SummaryCache, type JournalEntry, type ServerRef } from "../src/index.js";
import { at, deadPid, launchAt, liveServer, tempDir, turnAt } from "./helpers.js";

const launch = (id: string, server: ServerRef, s: number): JournalEntry => launchAt(id, server, s);
const turn = (s: number): JournalEntry => turnAt(1, s);

// Another process writing the journal as a writer does: its lines appended, then the agent's directory touched.
function otherProcess(dir: string, id: string, lines: JournalEntry[]): void {
  const script = `const fs = require("node:fs"); const [dir, id, text] = process.argv.slice(1);
fs.mkdirSync(dir + "/" + id, { recursive: true });
fs.appendFileSync(dir + "/" + id + "/journal.jsonl", text);
fs.utimesSync(dir + "/" + id, new Date(), new Date());`;
  execFileSync(process.execPath, ["-e", script, dir, id, lines.map((l) => JSON.stringify(l) + "\n").join("")]);
}

describe("SummaryCache's sorted listing", () => {
  it("hands back the same listing while nothing changed, and shows what this process and others write", async () => {
    const dir = tempDir();
    const server = liveServer("s1");
    const w = new JournalWriter({ dir, server });
    for (const [i, id] of ["a", "b"].entries()) w.append(w.claim(id), launch(id, server, i + 1));
    await w.flush();
    const cache = new SummaryCache();
    const ids = (): string[] => listAgents(dir, { project: "/p" }, cache).map((s) => s.agent_id);
    const first = listAgents(dir, { project: "/p" }, cache);
    expect(first.map((s) => s.agent_id)).toEqual(["b", "a"]);
    expect(listAgents(dir, { project: "/p" }, cache)).toBe(first);
    // This process's writer: seen on the next listing, no watch needed.
    w.append("a", turn(9));
    await w.flush();
    expect(ids()).toEqual(["a", "b"]);
    expect(first.map((s) => s.agent_id)).toEqual(["b", "a"]);
    // A second process adds a past agent (its server gone): on the very next listing.
    const gone = { id: "s0", pid: await deadPid(), started_at: at(0) };
    otherProcess(dir, "c", [launch("c", gone, 20)]);
    expect(ids()).toEqual(["c", "a", "b"]);
    // ... and appends to it: seen once the directory's watch tells.
    otherProcess(dir, "c", [turn(30)]);
    await expect.poll(() => listAgents(dir, { project: "/p" }, cache).find((s) => s.agent_id === "c")?.turns).toBe(1);
    for (const id of ["a", "b"]) await w.close(id);
    cache.close();
  });

  it("lists the same agents, in the same order, as a listing without a cache", async () => {
    const dir = tempDir();
    const server = liveServer("s2");
    const w = new JournalWriter({ dir, server });
    // Equal times: the ids decide, as localeCompare orders them.
    for (const id of ["x-1", "x1", "a", "b-2", "b10"]) w.append(w.claim(id), launch(id, server, 5));
    await w.flush();
    const cache = new SummaryCache();
    expect(listAgents(dir, {}, cache).map((s) => s.agent_id)).toEqual(listAgents(dir).map((s) => s.agent_id));
    w.append("a", turn(6));
    await w.flush();
    expect(listAgents(dir, {}, cache)).toEqual(listAgents(dir));
    for (const id of ["x-1", "x1", "a", "b-2", "b10"]) await w.close(id);
    cache.close();
  });
});
