import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyChange, revertChange } from "../src/files.js";
import { setOrchestrating } from "../src/mode.js";
import { readRecord, recordChanges } from "../src/record.js";
import { ensurePrivateDir, writeAtomic } from "../src/safe-write.js";
import { thrown } from "./thrown.js";

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

  it("refuses a file without its owner's write bit (HooksError READ_ONLY) unless forced, then keeps it read-only", () => {
    const path = join(fresh(), "ro.json");
    writeFileSync(path, "old");
    chmodSync(path, 0o444);
    expect(thrown(() => { writeAtomic(path, "new"); }).code).toBe("READ_ONLY");
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

describe("our own files are private", () => {
  it("backups are 0600 in a 0700 folder, and two in the same millisecond never replace each other", () => {
    const dir = fresh();
    const backups = join(dir, "state", "backups");
    for (const sub of ["a", "b"]) {
      mkdirSync(join(dir, sub));
      writeFileSync(join(dir, sub, "settings.json"), `{"from":"${sub}"}`);
    }
    const made = ["a", "b", "a", "b"].map((sub) => applyChange({ path: join(dir, sub, "settings.json"), before: `{"from":"${sub}"}`, after: "{}" }, backups));
    expect(new Set(made).size).toBe(4);
    expect(mode(backups)).toBe(0o700);
    for (const b of made) expect(mode(b as string)).toBe(0o600);
  });

  it("the state dir is narrowed to 0700 when an earlier version made it wider; the record and mode files are 0600", () => {
    const state = join(fresh(), "subagent-mcp");
    mkdirSync(state, { mode: 0o755 });
    chmodSync(state, 0o755);
    recordChanges(state, [{ kind: "mcp", host: "claude", path: "/x", before: "secret", after: "secret+ours" }]);
    expect(mode(state)).toBe(0o700);
    expect(mode(join(state, "installed.json"))).toBe(0o600);
    chmodSync(state, 0o755);
    setOrchestrating(state, fresh(), true);
    expect(mode(state)).toBe(0o700);
    const modeDir = join(state, "mode");
    expect(mode(modeDir)).toBe(0o700);
    for (const f of readdirSync(modeDir)) expect(mode(join(modeDir, f))).toBe(0o600);
    ensurePrivateDir(state);
    expect(mode(state)).toBe(0o700);
  });

  it("a record that cannot be read is an error, and is never overwritten", () => {
    const state = fresh();
    writeFileSync(join(state, "installed.json"), "{ not json");
    expect(thrown(() => readRecord(state)).code).toBe("UNPARSEABLE");
    expect(thrown(() => { recordChanges(state, []); }).code).toBe("UNPARSEABLE");
    expect(readFileSync(join(state, "installed.json"), "utf8")).toBe("{ not json");
  });

  it("reverting a file we created through a symlink removes the target and keeps the link", () => {
    const dir = fresh();
    symlinkSync("real.md", join(dir, "CLAUDE.md"));
    const change = { path: join(dir, "CLAUDE.md"), before: null, after: "block\n" };
    applyChange(change, join(dir, "backups"));
    expect(readFileSync(join(dir, "real.md"), "utf8")).toBe("block\n");
    expect(revertChange(change, (t) => t)).toBe("restored");
    expect(existsSync(join(dir, "real.md"))).toBe(false);
    expect(lstatSync(join(dir, "CLAUDE.md")).isSymbolicLink()).toBe(true);
  });
});
