import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeAtomic } from "../src/safe-write.js";

const fresh = () => mkdtempSync(join(tmpdir(), "safe-write-"));
const mode = (path: string) => statSync(path).mode & 0o777;

describe("atomic writes keep what the user set on a file", () => {
  it("keeps each mode exactly, whatever the umask, and leaves no temporary file", () => {
    const dir = fresh();
    for (const m of [0o600, 0o640, 0o664, 0o755]) {
      const path = join(dir, `f${m.toString(8)}`);
      writeFileSync(path, "old");
      chmodSync(path, m);
      writeAtomic(path, "new");
      expect([readFileSync(path, "utf8"), mode(path)]).toEqual(["new", m]);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("refuses a file without its owner's write bit (StateError READ_ONLY) unless forced, then keeps it read-only", () => {
    const path = join(fresh(), "ro.json");
    writeFileSync(path, "old");
    chmodSync(path, 0o444);
    expect(() => {
      writeAtomic(path, "new");
    }).toThrow(expect.objectContaining({ name: "StateError", code: "READ_ONLY" }) as Error);
    expect(readFileSync(path, "utf8")).toBe("old");
    writeAtomic(path, "new", { force: true });
    expect([readFileSync(path, "utf8"), mode(path)]).toEqual(["new", 0o444]);
  });

  it("writes through a chain of symlinks, also to a target that does not exist yet, and keeps the links", () => {
    const dir = fresh();
    mkdirSync(join(dir, "dotfiles"));
    symlinkSync("dotfiles/real.json", join(dir, "middle.json"));
    symlinkSync("middle.json", join(dir, "config.json"));
    writeAtomic(join(dir, "config.json"), "created");
    expect(readFileSync(join(dir, "dotfiles", "real.json"), "utf8")).toBe("created");
    writeAtomic(join(dir, "config.json"), "changed");
    expect(lstatSync(join(dir, "config.json")).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, "middle.json")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "dotfiles", "real.json"), "utf8")).toBe("changed");
  });
});
