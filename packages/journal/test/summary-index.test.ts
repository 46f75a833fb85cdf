import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { journalStamp, JournalWriter, listAgents, sameStamps, SummaryCache, type AgentSummary, type ServerRef } from "../src/index.js";
import { SUMMARY_INDEX_FILE, SummaryIndex } from "../src/summary/summary-index.js";
import { at, deadPid, launchAt, liveServer, tempDir, turnAt } from "./helpers.js";

// Agents `ids` launched by `server` (one finished turn each), their journals closed.
async function agents(dir: string, server: ServerRef, ids: string[]): Promise<void> {
  const w = new JournalWriter({ dir, server });
  for (const [i, id] of ids.entries()) {
    w.claim(id);
    w.append(id, launchAt(id, server, i + 1));
    w.append(id, turnAt(1, i + 10));
  }
  for (const id of ids) await w.close(id);
}

// A fresh process's listing (a new cache), counting the journals it reads.
function freshListing(dir: string): { list: AgentSummary[]; reads: string[] } {
  const reads: string[] = [];
  const list = new SummaryCache().sorted(
    dir,
    () => ["a", "b", "c", "d"].filter((id) => existsSync(join(dir, id))),
    (name) => {
      reads.push(name);
      return listAgents(dir).find((s) => s.agent_id === name);
    },
  );
  return { list, reads };
}

const indexFile = (dir: string): string => join(dir, SUMMARY_INDEX_FILE);

describe("SummaryIndex", () => {
  it("gives a new process the ended agents' summaries without reading their journals", async () => {
    const dir = tempDir();
    await agents(dir, { id: "gone", pid: await deadPid(), started_at: at(0) }, ["a", "b", "c"]);
    const first = freshListing(dir);
    expect(first.reads.sort()).toEqual(["a", "b", "c"]);
    expect(readFileSync(indexFile(dir), "utf8").trim().split("\n")).toHaveLength(3);
    // Private as the journals are: it holds their last prompts.
    expect(statSync(indexFile(dir)).mode & 0o777).toBe(0o600);
    const second = freshListing(dir);
    expect(second.reads).toEqual([]);
    expect(second.list).toEqual(first.list);
    // Not durable: the journals are read.
    const reads: string[] = [];
    new SummaryCache({ durable: false }).sorted(
      dir,
      () => ["a", "b", "c"],
      (n) => (reads.push(n), listAgents(dir).find((s) => s.agent_id === n)),
    );
    expect(reads.sort()).toEqual(["a", "b", "c"]);
  });

  it("reads again an agent whose journal changed after its entry (a resumed agent) and keeps no live agent", async () => {
    const dir = tempDir();
    await agents(dir, { id: "gone", pid: await deadPid(), started_at: at(0) }, ["a", "b"]);
    await agents(dir, liveServer("live"), ["c"]);
    expect(freshListing(dir).reads.sort()).toEqual(["a", "b", "c"]);
    // The live server's agent is not in the index: it changes with its server's liveness.
    expect(readFileSync(indexFile(dir), "utf8")).not.toContain('"n":"c"');
    appendFileSync(join(dir, "b", "journal.jsonl"), `${JSON.stringify(turnAt(2, 30))}\n`);
    const { list, reads } = freshListing(dir);
    expect(reads.sort()).toEqual(["b", "c"]);
    expect(list.find((s) => s.agent_id === "b")?.turns).toBe(2);
    // Its new state was written: the next process reads none of the ended agents.
    expect(freshListing(dir).reads).toEqual(["c"]);
  });

  it("skips torn and invalid lines and builds the index again when it is missing", async () => {
    const dir = tempDir();
    await agents(dir, { id: "gone", pid: await deadPid(), started_at: at(0) }, ["a", "b", "c"]);
    const whole = freshListing(dir).list;
    const lines = readFileSync(indexFile(dir), "utf8").trim().split("\n");
    const aLine = lines.find((l) => l.includes('"n":"a"')) ?? "";
    const bLine = lines.find((l) => l.includes('"n":"b"')) ?? "";
    // a kept, garbage, b's entry under another name, and c's entry torn (no newline).
    writeFileSync(
      indexFile(dir),
      `${aLine}\nnot json\n${bLine.replace('"n":"b"', '"n":"d"')}\n${(lines.find((l) => l.includes('"n":"c"')) ?? "").slice(0, 40)}`,
    );
    const { list, reads } = freshListing(dir);
    expect(reads.sort()).toEqual(["b", "c"]);
    expect(list).toEqual(whole);
    writeFileSync(indexFile(dir), "");
    expect(freshListing(dir).reads.sort()).toEqual(["a", "b", "c"]);
    expect(freshListing(dir).reads).toEqual([]);
  });

  it("takes appends from two writers at once, whole lines, the last one of an agent winning", async () => {
    const dir = tempDir();
    await agents(dir, { id: "gone", pid: await deadPid(), started_at: at(0) }, ["a", "b", "c", "d"]);
    const whole = listAgents(dir);
    const one = new SummaryIndex(dir);
    const two = new SummaryIndex(dir);
    // Both loaded before either writes (two servers started together), then appending in turn.
    expect(one.get("a", "x")).toBeUndefined();
    expect(two.get("a", "x")).toBeUndefined();
    for (const s of whole) {
      const stamp = journalStamp(dir, s.agent_id) ?? "";
      one.put(s.agent_id, "old", { ...s, turns: 99 });
      one.flush();
      two.put(s.agent_id, stamp, s);
      two.flush();
    }
    const lines = readFileSync(indexFile(dir), "utf8").trim().split("\n");
    expect(lines).toHaveLength(8);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    const { list, reads } = freshListing(dir);
    expect(reads).toEqual([]);
    expect(list).toEqual(whole);
  });

  it("stats each journal once inside sameStamps, and again outside it", async () => {
    const dir = tempDir();
    await agents(dir, { id: "gone", pid: await deadPid(), started_at: at(0) }, ["a"]);
    const before = journalStamp(dir, "a");
    const inside = sameStamps(() => {
      const first = journalStamp(dir, "a");
      appendFileSync(join(dir, "a", "journal.jsonl"), `${JSON.stringify(turnAt(2, 30))}\n`);
      return [first, journalStamp(dir, "a")];
    });
    expect(inside).toEqual([before, before]);
    expect(journalStamp(dir, "a")).not.toBe(before);
  });
});
