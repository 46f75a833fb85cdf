import { execFileSync } from "node:child_process";
import { grouped } from "./flat-deps.js";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Supervisor } from "@subagent-mcp/core";
import { writeBigJournal } from "@subagent-mcp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "../src/index.js";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

// A server of a project whose journal holds `count` past agents (a pid no process has: their server is gone).
async function withPast(count: number): Promise<{ client: Client; dir: string; project: string }> {
  const root = mkdtempSync(join(tmpdir(), "list-paging-"));
  const dir = join(root, "agents");
  const project = realpathSync(root);
  for (let i = 0; i < count; i++) writeBigJournal(dir, `past${String(i).padStart(4, "0")}`, project, 2 ** 22 + 12_345, 1000);
  const made = createServer(grouped({ supervisor: new Supervisor({ drivers: {} }), version: "test", defaultCwd: project, journal: { dir } }));
  const [a, b] = InMemoryTransport.createLinkedPair();
  await made.server.connect(b);
  const client = new Client({ name: "test", version: "1" });
  await client.connect(a);
  cleanup = async () => {
    await client.close();
    await made.close();
    rmSync(root, { recursive: true, force: true });
  };
  return { client, dir, project };
}

type Page = { agents: { agent_id: string; past?: boolean; turns?: number }[]; total?: number; total_past?: number; next_cursor?: string };

// Every page of a listing, following next_cursor, and each page's result size in characters.
async function allPages(client: Client, args: Record<string, unknown>): Promise<{ pages: Page[]; sizes: number[] }> {
  const pages: Page[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  do {
    const r = await client.callTool({ name: "list_agents", arguments: { ...args, ...(cursor === undefined ? {} : { cursor }) } });
    expect(r.isError).not.toBe(true);
    sizes.push(JSON.stringify(r).length);
    const page = r.structuredContent as Page;
    pages.push(page);
    cursor = page.next_cursor;
  } while (cursor !== undefined && pages.length < 100);
  return { pages, sizes };
}

describe("list_agents over many past agents", () => {
  it("pages through 250 past agents, newest first, none lost or repeated, each page under the result cap", async () => {
    const { client } = await withPast(250);
    const { pages, sizes } = await allPages(client, { include_past: true });
    const ids = pages.flatMap((p) => p.agents.map((a) => a.agent_id));
    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
    // Newest first (they all ended at the same time: by id, descending).
    expect(ids).toEqual([...ids].sort().reverse());
    expect(pages.length).toBeGreaterThanOrEqual(5);
    expect(pages.every((p) => p.total === 250 && p.total_past === 250)).toBe(true);
    for (const size of sizes) expect(size).toBeLessThan(40_000);
    // A limit of its own, and the filters kept from page to page.
    const small = await allPages(client, { include_past: true, limit: 7, label: "lo", status: "ended" });
    expect(small.pages[0]?.agents).toHaveLength(7);
    expect(small.pages.flatMap((p) => p.agents.map((a) => a.agent_id))).toEqual(ids);
    const none = await allPages(client, { include_past: true, label: "nobody" });
    expect(none.pages).toEqual([{ agents: [], total: 0, total_past: 0 }]);
  });

  it("keeps a cursor good while more agents end, and refuses one it did not give", async () => {
    const { client, dir, project } = await withPast(60);
    const first = (await client.callTool({ name: "list_agents", arguments: { include_past: true, limit: 20 } })).structuredContent as Page;
    // Agents ending after the first page take their place by their key: the next pages go on where it stopped, none lost or twice.
    for (let i = 0; i < 5; i++) writeBigJournal(dir, `late${String(i)}`, project, 2 ** 22 + 12_345, 1000);
    const rest = await allPages(client, { include_past: true, limit: 20, cursor: first.next_cursor });
    const ids = [...first.agents, ...rest.pages.flatMap((p) => p.agents)].map((a) => a.agent_id);
    expect(ids.filter((id) => id.startsWith("past"))).toHaveLength(60);
    expect(new Set(ids).size).toBe(ids.length);
    expect(rest.pages.at(-1)?.total_past).toBe(65);
    for (const cursor of ["nope", Buffer.from('["p","x","y"]').toString("base64url")]) {
      const bad = await client.callTool({ name: "list_agents", arguments: { include_past: true, cursor } });
      expect(bad.isError).toBe(true);
      expect(JSON.stringify(bad.content)).toContain("is not one list_agents gave");
    }
    const pastWithout = await client.callTool({ name: "list_agents", arguments: { cursor: first.next_cursor } });
    expect(JSON.stringify(pastWithout.content)).toContain("pass include_past: true");
  });

  it("shows on the next call a past agent another process added, and that process's later writes to it", async () => {
    const { client, dir, project } = await withPast(30);
    const list = async (): Promise<Page> =>
      (await client.callTool({ name: "list_agents", arguments: { include_past: true, limit: 5 } })).structuredContent as Page;
    expect((await list()).total_past).toBe(30);
    // A second writer (another process): a new agent's journal, then an entry appended and its directory touched, as a writer does.
    const writer = `const fs = require("node:fs"); const [dir, id, line] = process.argv.slice(1);
fs.mkdirSync(dir + "/" + id, { recursive: true });
fs.appendFileSync(dir + "/" + id + "/journal.jsonl", line);
fs.utimesSync(dir + "/" + id, new Date(), new Date());`;
    const launch = {
      t: "launch",
      at: "2027-01-01T00:00:00.000Z",
      agent_id: "other",
      server: { id: "gone", pid: 2 ** 22 + 12_345, started_at: "2026-01-01T00:00:00.000Z" },
      project,
      provider: "claude",
      cwd: project,
    };
    execFileSync(process.execPath, ["-e", writer, dir, "other", `${JSON.stringify(launch)}\n`]);
    const after = await list();
    expect(after.total_past).toBe(31);
    expect(after.agents[0]?.agent_id).toBe("other");
    const turn = {
      t: "turn",
      at: "2027-01-01T00:01:00.000Z",
      turn: 1,
      result: "ok",
      is_error: false,
      interrupted: false,
      usage: { input: 1, output: 1, cache_read: 0, cache_write: 0 },
      duration_ms: 5,
    };
    execFileSync(process.execPath, ["-e", writer, dir, "other", `${JSON.stringify(turn)}\n`]);
    // Known from the directory's watch: its event comes on its own, so the listing is asked until it shows.
    await expect.poll(async () => (await list()).agents.find((a) => a.agent_id === "other")?.turns).toBe(1);
  });
});
