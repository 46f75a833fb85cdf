import { chmodSync, chownSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readShared, SharedHeadroom } from "../src/headroom.js";

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("SharedHeadroom", () => {
  it("a window one server's CLI reported is seen by another server of the user, until it resets", () => {
    dir = mkdtempSync(join(tmpdir(), "headroom-"));
    const path = join(dir, "rate-limits.json");
    const a = new SharedHeadroom(path);
    const b = new SharedHeadroom(path);
    const now = Date.now();
    expect(b.tightest("codex", now)).toBeUndefined();
    a.note("codex", { type: "rate_limit", window: "primary", status: "exhausted", usedPercent: 100, resetsAt: now + 60_000 }, now);
    expect(b.tightest("codex", now)).toMatchObject({ window: "primary", status: "exhausted", usedPercent: 100 });
    // b's own report merges with a's: the file holds both windows.
    b.note("codex", { type: "rate_limit", window: "secondary", status: "ok", usedPercent: 12 }, now + 1);
    expect(
      readShared(path)
        .codex?.map((w) => w.window)
        .sort(),
    ).toEqual(["primary", "secondary"]);
    expect(a.tightest("codex", now + 2)).toMatchObject({ window: "primary" });
    expect(a.tightest("codex", now + 60_001)).toMatchObject({ window: "secondary", status: "ok" });
  });

  it("an unreadable file counts as no report, and is replaced by the next one", () => {
    dir = mkdtempSync(join(tmpdir(), "headroom-"));
    const path = join(dir, "rate-limits.json");
    writeFileSync(path, "{not json");
    const h = new SharedHeadroom(path);
    expect(h.tightest("gemini", Date.now())).toBeUndefined();
    h.note("gemini", { type: "rate_limit", window: "quota", status: "exhausted" }, Date.now());
    expect(readShared(path).gemini).toEqual([expect.objectContaining({ window: "quota", status: "exhausted" })]);
  });
});

describe("SharedHeadroom's file is private state", () => {
  it("is written 0600, and one another user can write is refused, naming it", () => {
    dir = mkdtempSync(join(tmpdir(), "headroom-"));
    const path = join(dir, "rate-limits.json");
    const h = new SharedHeadroom(path);
    h.note("codex", { type: "rate_limit", window: "primary", status: "ok", usedPercent: 95 }, Date.now());
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // Another user's file takes root to make (chown).
    if (process.getuid?.() !== 0) return;
    chownSync(path, 65534, 65534);
    chmodSync(path, 0o666);
    expect(() => new SharedHeadroom(path).tightest("codex", Date.now())).toThrow(`${path} can be written by another user`);
  });
});

describe("SharedHeadroom.windows", () => {
  it("gives every window in force another server reported, with its percent and reset", () => {
    const path = join(mkdtempSync(join(tmpdir(), "quota-")), "rate-limits.json");
    const now = Date.now();
    new SharedHeadroom(path).note("claude", { type: "rate_limit", window: "five_hour", status: "warning", usedPercent: 95, resetsAt: now + 3_600_000 }, now);
    const reader = new SharedHeadroom(path);
    expect(reader.windows("claude", now)).toEqual([{ window: "five_hour", status: "warning", usedPercent: 95, resetsAt: now + 3_600_000, at: now }]);
    expect(reader.windows("claude", now + 3_600_000)).toEqual([]);
    expect(reader.windows("codex", now)).toEqual([]);
  });
});
