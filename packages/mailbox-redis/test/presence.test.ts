import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import { PresenceSchema, type PresenceEntry } from "@subagent-mcp/mailbox";
import { processRef, selfRef } from "@subagent-mcp/state";
import { Presence } from "../src/index.js";

let server: RedisServer;
const open: Presence[] = [];
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const presence of open) await presence.close();
  await server.stop();
});

async function connect(prefix: string): Promise<Presence> {
  const presence = await Presence.connect({ url: server.url, prefix });
  open.push(presence);
  return presence;
}

const fresh = (): string => `t${randomBytes(6).toString("hex")}`;

// Re-lists until the condition holds; the overall limit only bounds a failing test.
async function until(presence: Presence, done: (entries: PresenceEntry[]) => boolean, limitMs = 20_000): Promise<PresenceEntry[]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const entries = await presence.list();
    if (done(entries)) return entries;
    if (Date.now() > deadline) throw new Error(`condition not met within ${limitMs} ms: ${JSON.stringify(entries)}`);
    await delay(25);
  }
}

const where = (entries: PresenceEntry[]): string[] => entries.map((e) => `${e.name}@${e.host}:${e.pid}`).sort();

describe("presence of workers on several machines", () => {
  it("lists one name registered from two machines; stop removes an entry at once; alive follows", async () => {
    const prefix = fresh();
    const [machineA, machineB, watcher] = [await connect(prefix), await connect(prefix), await connect(prefix)];
    const a = await machineA.register({ name: "coder", host: "host-a", pid: 11, provider: "claude", model: "m1" });
    const b = await machineB.register({ name: "coder", host: "host-b", pid: 22 });
    const listed = await watcher.list();
    expect(where(listed)).toEqual(["coder@host-a:11", "coder@host-b:22"]);
    for (const entry of listed) expect(PresenceSchema.parse(entry)).toEqual(entry);
    expect(listed.find((e) => e.host === "host-a")).toMatchObject({ provider: "claude", model: "m1" });
    expect([await watcher.alive("coder"), await watcher.alive("reviewer")]).toEqual([true, false]);

    await a.stop();
    expect(where(await watcher.list())).toEqual(["coder@host-b:22"]);
    expect(await watcher.alive("coder")).toBe(true);
    await b.stop();
    expect(await watcher.list()).toEqual([]);
    expect(await watcher.alive("coder")).toBe(false);
  });

  it("a worker that stops refreshing without deleting (its connection closed, as in a crash) expires after its ttl", async () => {
    const prefix = fresh();
    const [dying, survivor, watcher] = [await connect(prefix), await connect(prefix), await connect(prefix)];
    await dying.register({ name: "w", host: "host-a", pid: 1 }, { ttlMs: 500 });
    const kept = await survivor.register({ name: "w", host: "host-b", pid: 2 }, { ttlMs: 1_500 });
    expect(where(await watcher.list())).toEqual(["w@host-a:1", "w@host-b:2"]);
    await dying.close();
    expect(where(await until(watcher, (entries) => entries.length === 1))).toEqual(["w@host-b:2"]);
    // The index lost the expired member too.
    const raw = new Redis(server.url);
    expect(await raw.zrange(`${prefix}:presence`, 0, -1)).toEqual([`${prefix}:presence:w:host-b:2`]);
    raw.disconnect();
    expect(await watcher.alive("w")).toBe(true);
    await kept.stop();
    expect(await watcher.alive("w")).toBe(false);
  });

  it("refreshes keep an entry alive past its ttl; turn records the last turn", async () => {
    const prefix = fresh();
    const [worker, watcher] = [await connect(prefix), await connect(prefix)];
    const registration = await worker.register({ name: "r", host: "host-a", pid: 3 }, { ttlMs: 1_000 });
    const started = Date.parse(registration.entry.started_at);
    // Listed with a heartbeat later than start + ttl: the key was rewritten before it could expire.
    await until(watcher, (entries) => entries.some((e) => Date.parse(e.heartbeat_at) > started + 1_000));
    expect(registration.entry.last_turn_at).toBeUndefined();
    const at = new Date("2030-01-02T03:04:05.000Z");
    await registration.turn(at);
    expect((await watcher.list())[0]?.last_turn_at).toBe(at.toISOString());
    await registration.stop();
    await registration.turn();
    expect(await watcher.list()).toEqual([]);
  });

  it("an entry of this machine whose process is gone, or whose pid another process now has, is dropped at once, its ttl unspent", async () => {
    const prefix = fresh();
    const [workers, watcher] = [await connect(prefix), await connect(prefix)];
    // A live process unrelated to the workers holds the pid a killed worker had.
    const other = spawn("sleep", ["1000"], { stdio: "ignore" });
    try {
      const live = processRef(other.pid ?? 0);
      const gone = spawnSync(process.execPath, ["-e", ""]).pid;
      const own = await workers.register({ name: "w" }, { ttlMs: 60_000 });
      expect(own.entry).toMatchObject(selfRef());
      await workers.register({ name: "w", ...live }, { ttlMs: 60_000 });
      await workers.register({ name: "reused", pid: other.pid ?? 0, start: "1" }, { ttlMs: 60_000 });
      await workers.register({ name: "gone", pid: gone }, { ttlMs: 60_000 });
      await workers.register({ name: "elsewhere", host: "host-b", pid: gone }, { ttlMs: 60_000 });
      const here = hostname();
      expect(where(await watcher.list())).toEqual(
        [`elsewhere@host-b:${String(gone)}`, `w@${here}:${String(live?.pid)}`, `w@${here}:${String(process.pid)}`].sort(),
      );
      const raw = new Redis(server.url);
      expect((await raw.zrange(`${prefix}:presence`, 0, -1)).sort()).toEqual(
        [
          `${prefix}:presence:elsewhere:host-b:${String(gone)}`,
          `${prefix}:presence:w:${here}:${String(live?.pid)}`,
          `${prefix}:presence:w:${here}:${String(process.pid)}`,
        ].sort(),
      );
      raw.disconnect();
      expect([await watcher.alive("reused"), await watcher.alive("gone")]).toEqual([false, false]);
    } finally {
      other.kill("SIGKILL");
    }
  });

  it("rejects a name that would be ambiguous in the key and a ttl too short to refresh", async () => {
    const presence = await connect(fresh());
    await expect(presence.register({ name: "a:b" })).rejects.toMatchObject({ name: "RedisMailboxError", code: "BAD_PRESENCE" });
    await expect(presence.register({ name: "a" }, { ttlMs: 0 })).rejects.toMatchObject({ code: "BAD_PRESENCE" });
    expect(await presence.list()).toEqual([]);
  });
});
