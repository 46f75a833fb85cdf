import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ServerRecord } from "@subagent-mcp/contract";
import { selfRef } from "../src/alive.js";
import { pruneServerRecords, readServerRecords, removeServerRecord, writeServerRecord } from "../src/server-records.js";

const record = (pid: number, started_at: string): ServerRecord => ({
  pid,
  cwd: "/project",
  started_at,
  version: "1.0.0",
  control: `http://127.0.0.1:4000/control/${"a".repeat(32)}`,
});

// The pid of a process that has exited (and was reaped).
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid;
}

describe("the server registry", () => {
  it("lists the live servers' records, deletes those of servers that are gone and leaves other files alone", () => {
    const stateDir = mkdtempSync(join(tmpdir(), "registry-"));
    expect(pruneServerRecords(stateDir)).toEqual([]);
    writeServerRecord(stateDir, record(process.pid, "2026-01-02T00:00:00.000Z"));
    const dead = deadPid();
    writeServerRecord(stateDir, record(dead, "2026-01-01T00:00:00.000Z"));
    const dir = join(stateDir, "servers");
    writeFileSync(join(dir, "notes.txt"), "not a record");
    // The parent's pid, named in a file that is not a record: skipped, and kept (its server lives).
    writeFileSync(join(dir, `${process.ppid}.json`), "{");
    expect(() => writeServerRecord(stateDir, { ...record(process.pid, "x"), control: "http://evil.example/control/x" })).toThrow();

    expect(pruneServerRecords(stateDir)).toEqual([record(process.pid, "2026-01-02T00:00:00.000Z")]);
    expect(readdirSync(dir).sort()).toEqual([`${process.pid}.json`, `${process.ppid}.json`, "notes.txt"].sort());
    // A reader (the dashboard, `stop`) lists the same, and deletes nothing.
    expect(readServerRecords(stateDir)).toEqual([record(process.pid, "2026-01-02T00:00:00.000Z")]);
    removeServerRecord(stateDir);
    expect(pruneServerRecords(stateDir)).toEqual([]);
  });

  it("forgets a record whose pid now names another process (its start time differs)", () => {
    const stateDir = mkdtempSync(join(tmpdir(), "registry-"));
    const own = { ...record(process.pid, "2026-01-02T00:00:00.000Z"), ...selfRef() };
    writeServerRecord(stateDir, { ...own, start: "1" });
    expect(readServerRecords(stateDir)).toEqual([]);
    expect(pruneServerRecords(stateDir)).toEqual([]);
    expect(readdirSync(join(stateDir, "servers"))).toEqual([]);
    writeServerRecord(stateDir, own);
    expect(pruneServerRecords(stateDir)).toEqual([own]);
  });
});
