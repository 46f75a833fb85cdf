import { utimesSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JournalWriter, listAgents, pruneJournals, type JournalEntry, type ServerRef } from "../src/index.js";
import { at, deadPid, launchAt, liveServer, tempDir, turnAt } from "./helpers.js";

const launch = (id: string, server: ServerRef, project: string, s: number): JournalEntry => launchAt(id, server, s, project);
const turn = turnAt;
const promptAt = (n: number, s: number): JournalEntry => ({ t: "prompt", at: at(s), turn: n, text: `do ${n}` });

describe("listAgents", () => {
  it("sums up each agent, newest first, and filters by project", async () => {
    const dir = tempDir();
    const server = liveServer("s1");
    const w = new JournalWriter({ dir, server });
    const running = w.claim("running");
    const ended = w.claim("ended");
    const other = w.claim("other");
    for (const e of [
      launch(running, server, "/p", 1),
      { t: "session", at: at(2), session_id: "sess-1" } as const,
      promptAt(1, 3),
      turn(1, 4),
      promptAt(2, 5),
      { t: "status", at: at(30), status: "running", alive: true } as const,
    ])
      w.append(running, e);
    for (const e of [launch(ended, server, "/p", 10), promptAt(1, 11), turn(1, 12), { t: "end", at: at(20), status: "done", why: "finished" } as const])
      w.append(ended, e);
    for (const e of [launch(other, server, "/q", 1), { t: "status", at: at(40), status: "idle", alive: true } as const]) w.append(other, e);
    await w.flush();

    const all = listAgents(dir);
    expect(all.map((a) => a.agent_id)).toEqual(["other", "running", "ended"]);
    const [, r, e] = all;
    expect(r).toMatchObject({
      project: "/p",
      provider: "claude",
      cwd: "/repo/sub",
      model: "opus",
      label: "fixer",
      created_at: at(1),
      last_at: at(30),
      turns: 1,
      status: "running",
      alive: true,
      session_id: "sess-1",
      owner: server,
      owner_alive: true,
      last_prompt: "do 2",
      last_turn_running: true,
    });
    expect(r?.end).toBeUndefined();
    expect(e).toMatchObject({ turns: 1, status: "done", alive: false, end: { status: "done", why: "finished" }, last_turn_running: false });

    expect(listAgents(dir, { project: "/p" }).map((a) => a.agent_id)).toEqual(["running", "ended"]);
    expect(listAgents(dir, { project: "/nowhere" })).toEqual([]);
    for (const id of [running, ended, other]) await w.close(id);
  });

  it("shows agents of a server that is gone as not alive", async () => {
    const dir = tempDir();
    const gone: ServerRef = { id: "gone", pid: await deadPid(), started_at: at(0) };
    const w = new JournalWriter({ dir, server: gone });
    const id = w.claim();
    w.append(id, launch(id, gone, "/p", 1));
    w.append(id, { t: "status", at: at(2), status: "running", alive: true });
    await w.close(id);
    expect(listAgents(dir)[0]).toMatchObject({ agent_id: id, alive: false, owner_alive: false, status: "running" });
  });

  it("is empty when the directory does not exist", () => {
    expect(listAgents(join(tempDir(), "none"))).toEqual([]);
  });
});

describe("pruneJournals", () => {
  it("removes old agents but not those a live server owns", async () => {
    const dir = tempDir();
    const gone: ServerRef = { id: "gone", pid: await deadPid(), started_at: at(0) };
    const dead = new JournalWriter({ dir, server: gone });
    const live = new JournalWriter({ dir, server: liveServer("live") });
    const oldDead = dead.claim("old-dead");
    const recentDead = dead.claim("recent-dead");
    const oldLive = live.claim("old-live");
    for (const id of [oldDead, recentDead]) dead.append(id, launch(id, gone, "/p", 1));
    live.append(oldLive, launch(oldLive, liveServer("live"), "/p", 1));
    await dead.close(oldDead);
    await dead.close(recentDead);
    await live.close(oldLive);

    const now = Date.now();
    const old = new Date(now - 10 * 24 * 3600 * 1000);
    for (const id of [oldDead, oldLive]) {
      for (const f of readdirSync(join(dir, id))) utimesSync(join(dir, id, f), old, old);
      utimesSync(join(dir, id), old, old);
    }
    expect(await pruneJournals(dir, 7 * 24 * 3600 * 1000, now)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(["old-live", "recent-dead"]);
  });
});
