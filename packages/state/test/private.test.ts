import { chmodSync, mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensurePrivateDir } from "../src/index.js";

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
