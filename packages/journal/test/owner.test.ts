import { chmodSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JournalError, JournalWriter, serverAlive, type ServerRef } from "../src/index.js";
import { deadPid, liveServer, tempDir } from "./helpers.js";

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof JournalError ? err.code : "not a JournalError";
  }
  return undefined;
};
const ownerOf = (dir: string, id: string): ServerRef => (JSON.parse(readFileSync(join(dir, id, "owner.json"), "utf8")) as { server: ServerRef }).server;

describe("claim", () => {
  it("gives the preferred id once, then a random one", () => {
    const dir = tempDir();
    const w = new JournalWriter({ dir, server: liveServer("s1") });
    expect(w.claim("fixer")).toBe("fixer");
    const second = w.claim("fixer");
    expect(second).toMatch(/^[0-9a-f]{8}$/);
    expect(ownerOf(dir, "fixer").id).toBe("s1");
  });

  it("never gives two servers the same id", () => {
    const dir = tempDir();
    const a = new JournalWriter({ dir, server: liveServer("a") });
    const b = new JournalWriter({ dir, server: liveServer("b") });
    const claimed: { id: string; by: string }[] = [];
    for (let i = 0; i < 200; i++) {
      claimed.push({ id: a.claim(i % 10 === 0 ? "shared" : undefined), by: "a" });
      claimed.push({ id: b.claim(i % 10 === 0 ? "shared" : undefined), by: "b" });
    }
    expect(new Set(claimed.map((c) => c.id)).size).toBe(claimed.length);
    expect(readdirSync(dir)).toHaveLength(claimed.length);
    for (const c of claimed) expect(ownerOf(dir, c.id).id).toBe(c.by);
  });

  it("refuses ids that are not safe directory names", () => {
    const w = new JournalWriter({ dir: tempDir(), server: liveServer("s1") });
    expect(code(() => w.claim("../etc"))).toBe("BAD_ID");
    expect(code(() => w.claim("A"))).toBe("BAD_ID");
    expect(code(() => w.claim("x".repeat(65)))).toBe("BAD_ID");
  });

  // Root writes through a read-only directory's mode bits, so there is nothing to see there.
  it.skipIf(process.getuid?.() === 0)("says plainly when the directory is read-only", () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o500);
    try {
      const w = new JournalWriter({ dir, server: liveServer("s1") });
      expect(() => w.claim()).toThrow(JournalError);
      expect(code(() => w.claim())).toBe("JOURNAL_UNWRITABLE");
      expect(() => w.claim()).toThrow(/permission denied/);
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});

describe("adopt", () => {
  it("is NOT_FOUND for an agent that has no directory", () => {
    const w = new JournalWriter({ dir: tempDir(), server: liveServer("s1") });
    expect(
      code(() => {
        w.adopt("nobody");
      }),
    ).toBe("NOT_FOUND");
  });

  it("is OWNED_ELSEWHERE, naming the pid, while another live server owns the agent", () => {
    const dir = tempDir();
    const id = new JournalWriter({ dir, server: liveServer("other") }).claim();
    const w = new JournalWriter({ dir, server: liveServer("me") });
    expect(
      code(() => {
        w.adopt(id);
      }),
    ).toBe("OWNED_ELSEWHERE");
    expect(() => {
      w.adopt(id);
    }).toThrow(String(process.pid));
    expect(ownerOf(dir, id).id).toBe("other");
  });

  it("takes over an agent whose server has exited", async () => {
    const dir = tempDir();
    const gone: ServerRef = { id: "gone", pid: await deadPid(), started_at: "2025-01-01T00:00:00.000Z" };
    expect(serverAlive(gone)).toBe(false);
    const id = new JournalWriter({ dir, server: gone }).claim();
    const w = new JournalWriter({ dir, server: liveServer("me") });
    w.adopt(id);
    expect(ownerOf(dir, id).id).toBe("me");
    expect(serverAlive(ownerOf(dir, id))).toBe(true);
  });
});
