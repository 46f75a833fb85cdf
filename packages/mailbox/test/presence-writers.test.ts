import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as FS from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalPresence } from "../src/index.js";

// Two writers of one presence entry (a worker's turn while another registry in the process writes the
// same entry): the second writes and renames while the first stands between its write and its rename.
const hook = vi.hoisted(() => ({ during: undefined as (() => Promise<void>) | undefined }));
vi.mock("node:fs", async (original) => {
  const fs = await original<typeof FS>();
  return {
    ...fs,
    renameSync: (from: string, to: string) => {
      const during = hook.during;
      hook.during = undefined;
      void during?.();
      fs.renameSync(from, to);
    },
  };
});

describe("LocalPresence with two writers of one entry", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "presence-writers-"));
  });
  afterEach(() => {
    hook.during = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("both writes succeed and leave one whole entry, with no temporary file", async () => {
    const first = await new LocalPresence(dir).register({ name: "reviewer", provider: "claude" });
    const second = await new LocalPresence(dir).register({ name: "reviewer", provider: "claude" });
    let secondWrite: Promise<void> | undefined;
    hook.during = () => (secondWrite = second.turn(new Date("2026-01-02T00:00:00.000Z")));
    await expect(first.turn(new Date("2026-01-01T00:00:00.000Z"))).resolves.toBeUndefined();
    expect(secondWrite).toBeDefined();
    await expect(secondWrite).resolves.toBeUndefined();
    const files = readdirSync(dir);
    expect(files).toEqual([`reviewer.${String(process.pid)}.json`]);
    const entry = JSON.parse(readFileSync(join(dir, files[0] ?? ""), "utf8")) as { last_turn_at?: string };
    expect(entry.last_turn_at).toBe("2026-01-01T00:00:00.000Z");
    expect(await new LocalPresence(dir).list()).toEqual([expect.objectContaining({ name: "reviewer", last_turn_at: "2026-01-01T00:00:00.000Z" })]);
  });
});
