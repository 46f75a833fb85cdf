import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { setOrchestrating } from "@subagent-mcp/hooks";
import { ensurePrivateDir } from "@subagent-mcp/state";
import { applyChange, Drafts, planRevert, revertChange } from "../src/files.js";
import { setJsonc } from "../src/jsonc.js";
import { readRecord, recordChanges } from "../src/record.js";
import { thrown } from "./thrown.js";

const fresh = () => mkdtempSync(join(tmpdir(), "host-files-"));
const mode = (path: string) => statSync(path).mode & 0o777;

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
    expect(
      thrown(() => {
        recordChanges(state, []);
      }).code,
    ).toBe("UNPARSEABLE");
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

describe("the changes of one run see each other", () => {
  it("a second plan of a file, under any of its names, starts from the first one's text; reverts likewise", () => {
    const dir = fresh();
    writeFileSync(join(dir, "AGENTS.md"), "a");
    symlinkSync("AGENTS.md", join(dir, "CLAUDE.md"));
    const drafts = new Drafts();
    const first = drafts.plan(join(dir, "AGENTS.md"), (t) => `${t}b`);
    const second = drafts.plan(join(dir, "CLAUDE.md"), (t) => `${t}c`);
    expect([first.before, first.after, second.before, second.after]).toEqual(["a", "ab", "ab", "abc"]);
    expect(readFileSync(join(dir, "AGENTS.md"), "utf8")).toBe("a");
    writeFileSync(join(dir, "AGENTS.md"), "abc!");
    const reverts = new Drafts();
    expect(planRevert(second, (t) => t.replace("c", ""), reverts)).toMatchObject({ how: "removed", next: "ab!" });
    expect(planRevert(first, (t) => t.replace("b", ""), reverts)).toMatchObject({ how: "removed", next: "a!" });
  });

  it("a refusal names the file, with the line and column", () => {
    const path = join(fresh(), "settings.json");
    writeFileSync(path, '{\n  "a": 1,,\n}\n');
    const error = thrown(() => new Drafts().plan(path, (t) => setJsonc(t, ["x"], 1)));
    expect([error.code, error.file, error.message]).toEqual([
      "UNPARSEABLE",
      path,
      `${path}:2:10: not valid JSON (PropertyNameExpected); fix it first, nothing was changed`,
    ]);
  });
});
