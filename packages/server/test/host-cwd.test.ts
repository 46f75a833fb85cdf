import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { hostCwd } from "../src/launch/host-cwd.js";

describe("the host session's folder from a tool call's _meta", () => {
  const dir = mkdtempSync(join(tmpdir(), "host-cwd-"));
  const meta = (sandboxCwd: unknown) => ({ progressToken: 1, "codex/sandbox-state-meta": { sandboxCwd, useMxc: false } });

  it("reads Codex's sandboxCwd, a file URL or a path", () => {
    expect(hostCwd(meta(pathToFileURL(dir).href))).toBe(dir);
    expect(hostCwd(meta(dir))).toBe(dir);
  });

  it("is undefined for another host, a relative or missing folder, or a malformed value", () => {
    expect(hostCwd(undefined)).toBeUndefined();
    expect(hostCwd({ progressToken: 1 })).toBeUndefined();
    expect(hostCwd(meta("relative/dir"))).toBeUndefined();
    expect(hostCwd(meta(join(dir, "gone")))).toBeUndefined();
    expect(hostCwd(meta(42))).toBeUndefined();
  });
});
