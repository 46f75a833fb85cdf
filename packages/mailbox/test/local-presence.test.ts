import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalPresence } from "../src/index.js";

describe("LocalPresence", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "presence-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists a registered worker until it stops; a turn is recorded", async () => {
    const presence = new LocalPresence(dir);
    const registration = await presence.register({ name: "reviewer", provider: "claude", model: "sonnet" });
    expect(await presence.list()).toEqual([expect.objectContaining({ name: "reviewer", host: hostname(), pid: process.pid, provider: "claude" })]);
    expect(await presence.alive("reviewer")).toBe(true);
    expect(await presence.alive("other")).toBe(false);
    await registration.turn(new Date("2026-01-02T03:04:05.000Z"));
    expect((await presence.list())[0]?.last_turn_at).toBe("2026-01-02T03:04:05.000Z");
    await registration.stop();
    expect(await presence.list()).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a worker that died without leaving is not listed and its file goes; a file that is not an entry is skipped", async () => {
    // A pid that surely ended: a child that has exited.
    const ended = spawnSync(process.execPath, ["-e", ""]).pid;
    const stale = { name: "gone", host: hostname(), pid: ended, started_at: new Date().toISOString(), heartbeat_at: new Date().toISOString() };
    writeFileSync(join(dir, `gone.${String(ended)}.json`), JSON.stringify(stale));
    writeFileSync(join(dir, "junk.json"), "{not json");
    const presence = new LocalPresence(dir);
    expect(await presence.list()).toEqual([]);
    expect(readdirSync(dir)).toEqual(["junk.json"]);
    await expect(presence.register({ name: "a/b" })).rejects.toMatchObject({ code: "UNSAFE_NAME" });
  });

  it("a worker whose pid now names another process (its start time differs) is not listed", async () => {
    const reused = {
      name: "old",
      host: hostname(),
      pid: process.pid,
      start: "1",
      started_at: new Date().toISOString(),
      heartbeat_at: new Date().toISOString(),
    };
    writeFileSync(join(dir, `old.${String(process.pid)}.json`), JSON.stringify(reused));
    expect(await new LocalPresence(dir).list()).toEqual([]);
  });
});
