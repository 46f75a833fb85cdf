import { join } from "node:path";
import { JournalWriter } from "@subagent-mcp/journal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DashboardState, PastAgentView, PastPage } from "@subagent-mcp/contract";
import { pastPage, PAST_PAGE } from "../src/past.js";
import { deadPid, setup, type Setup } from "./helpers.js";

let s: Setup;
const COUNT = 120;
// Agent i ended i seconds into 2025: the newest is the last written.
const at = (i: number): string => new Date(Date.UTC(2025, 0, 1, 0, 0, 0) + i * 1000).toISOString();

async function writePast(stateDir: string, project: string, from: number, to: number): Promise<string[]> {
  const server = { id: "server-1", pid: deadPid(), started_at: at(0) };
  const w = new JournalWriter({ dir: join(stateDir, "agents"), server });
  const ids: string[] = [];
  for (let i = from; i < to; i++) {
    const id = w.claim(`past-${String(i).padStart(4, "0")}`);
    ids.push(id);
    w.append(id, { t: "launch", at: at(i), agent_id: id, server, project, provider: "claude", cwd: project });
    w.append(id, { t: "end", at: at(i), status: "exited", why: "done" });
  }
  await w.flush();
  return ids;
}

beforeAll(async () => {
  s = await setup();
  await writePast(s.stateDir, s.project, 1, COUNT + 1);
});
afterAll(async () => {
  await s.close();
});

const get = async <T>(path: string): Promise<T> => (await fetch(s.at(path))).json() as Promise<T>;
const ids = (past: PastAgentView[]): string[] => past.map((p) => p.agent_id);
const newestFirst = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, k) => `past-${String(to - 1 - k).padStart(4, "0")}`);

describe("past agents a page at a time", () => {
  it("holds the newest page in the state and gives the following ones by cursor, none twice, none left out", async () => {
    const state = await get<DashboardState>("/api/state");
    expect(ids(state.past)).toEqual(newestFirst(COUNT + 1 - PAST_PAGE, COUNT + 1));
    expect(state.past_total).toBe(COUNT);
    expect(state.past_next_cursor).toEqual(expect.any(String));
    const second = await get<PastPage>(`/api/past?cursor=${state.past_next_cursor ?? ""}&limit=50`);
    expect(ids(second.past)).toEqual(newestFirst(COUNT + 1 - 100, COUNT + 1 - 50));
    // An agent ending meanwhile goes to the top: the pages after the cursor do not shift.
    await writePast(s.stateDir, s.project, 500, 501);
    const third = await get<PastPage>(`/api/past?cursor=${second.next_cursor ?? ""}&limit=50`);
    expect(ids(third.past)).toEqual(newestFirst(1, COUNT + 1 - 100));
    expect(third.next_cursor).toBeUndefined();
  });

  it("starts from the newest on a cursor it cannot read, and keeps a page within its bounds", () => {
    const all = newestFirst(1, 11).map((agent_id, k) => ({ agent_id, last_at: at(10 - k) }) as PastAgentView);
    expect(ids(pastPage(all, "not a cursor", 3).past)).toEqual(newestFirst(8, 11));
    expect(pastPage(all, undefined, 0).past).toHaveLength(10);
    const last = pastPage(all, pastPage(all, undefined, 7).next_cursor, 7);
    expect(ids(last.past)).toEqual(newestFirst(1, 4));
    expect(last).toMatchObject({ total: 10 });
    expect(last.next_cursor).toBeUndefined();
  });
});
