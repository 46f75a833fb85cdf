import { chmodSync, chownSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensurePrivateDir, keepPrivate, StateError } from "../src/index.js";

describe("ensurePrivateDir", () => {
  it("narrows a folder of ours to 0700 but never a shared sticky one like /tmp", () => {
    const root = mkdtempSync(join(tmpdir(), "private-dir-"));
    const ours = join(root, "state");
    mkdirSync(ours, { mode: 0o755 });
    chmodSync(ours, 0o755);
    ensurePrivateDir(ours);
    expect(statSync(ours).mode & 0o7777).toBe(0o700);
    const shared = join(root, "shared");
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    ensurePrivateDir(shared);
    expect(statSync(shared).mode & 0o7777).toBe(0o1777);
  });
});

// Another user's file or folder takes root to make (chown): those checks run only as root.
const asRoot = process.getuid?.() === 0;

describe("keepPrivate", () => {
  it("narrows a file of ours that others may read or write", () => {
    const root = mkdtempSync(join(tmpdir(), "private-file-"));
    const file = join(root, "spend.jsonl");
    writeFileSync(file, "");
    chmodSync(file, 0o666);
    keepPrivate(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    keepPrivate(join(root, "absent"));
  });

  it.runIf(asRoot)("refuses a folder or file another user can write, naming it; ensurePrivateDir too", () => {
    const root = mkdtempSync(join(tmpdir(), "private-theirs-"));
    const theirs = join(root, "state");
    mkdirSync(theirs);
    chmodSync(theirs, 0o777);
    chownSync(theirs, 65534, 65534);
    expect(() => {
      ensurePrivateDir(theirs);
    }).toThrow(StateError);
    expect(() => {
      ensurePrivateDir(theirs);
    }).toThrow(`${theirs} can be written by another user (mode 0777, owner uid 65534)`);
    expect(statSync(theirs).mode & 0o777).toBe(0o777);
    const file = join(root, "rate-limits.json");
    writeFileSync(file, "{}");
    chmodSync(file, 0o646);
    chownSync(file, 65534, 65534);
    expect(() => {
      keepPrivate(file);
    }).toThrow(
      new StateError(
        "NOT_PRIVATE",
        `${file} can be written by another user (mode 0646, owner uid 65534); refusing to use it. Make it yours and private (chown; chmod 600), or remove it`,
      ),
    );
    // Root may keep a user's own private folder (sudo setup writes their files).
    chmodSync(theirs, 0o700);
    expect(() => {
      ensurePrivateDir(theirs);
    }).not.toThrow();
  });
});
