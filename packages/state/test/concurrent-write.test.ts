import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as FS from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { writeAtomic } from "../src/safe-write.js";

// The race two writers of one file run: the second writes and renames while the first stands
// between its write and its rename. `during` runs the second writer exactly there.
const hook = vi.hoisted(() => ({ during: undefined as (() => void) | undefined }));
vi.mock("node:fs", async (original) => {
  const fs = await original<typeof FS>();
  return {
    ...fs,
    renameSync: (from: string, to: string) => {
      const during = hook.during;
      hook.during = undefined;
      during?.();
      fs.renameSync(from, to);
    },
  };
});

describe("two writers of one file", () => {
  afterEach(() => {
    hook.during = undefined;
  });

  it("both succeed, and the file is one writer's whole text, without temporary files left", () => {
    const dir = mkdtempSync(join(tmpdir(), "concurrent-write-"));
    const path = join(dir, "entry.json");
    const first = `${JSON.stringify({ writer: "first", pad: "a".repeat(4096) })}\n`;
    const second = `${JSON.stringify({ writer: "second", pad: "b".repeat(64) })}\n`;
    hook.during = () => {
      writeAtomic(path, second, { mode: 0o600, durable: false });
      expect(readFileSync(path, "utf8")).toBe(second);
    };
    expect(() => {
      writeAtomic(path, first, { mode: 0o600, durable: false });
    }).not.toThrow();
    expect(hook.during).toBeUndefined();
    expect(readFileSync(path, "utf8")).toBe(first);
    expect(readdirSync(dir)).toEqual(["entry.json"]);
  });
});
