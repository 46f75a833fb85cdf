import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RewrittenFile } from "../src/index.js";

describe("RewrittenFile", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "subagent-mcp-rewritten-"));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("writes 0600 in a private folder it makes, again and again, leaving no temporary file", () => {
    const path = join(root, "pending", "a.json");
    const file = new RewrittenFile(path);
    file.write("one");
    file.write("two");
    expect(readFileSync(path, "utf8")).toBe("two");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, "pending")).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(root, "pending"))).toEqual(["a.json"]);
  });

  it("replaces a temporary file a crashed process with its pid left, and a link planted there is not followed", () => {
    const path = join(root, "a.json");
    const victim = join(root, "victim");
    writeFileSync(victim, "keep");
    symlinkSync(victim, join(root, `.a.json.${String(process.pid)}.tmp`));
    new RewrittenFile(path).write("new");
    expect(readFileSync(path, "utf8")).toBe("new");
    expect(readFileSync(victim, "utf8")).toBe("keep");
  });

  it("makes its folder again when it was removed meanwhile", () => {
    const path = join(root, "pending", "a.json");
    const file = new RewrittenFile(path);
    file.write("one");
    rmSync(join(root, "pending"), { recursive: true });
    file.write("two");
    expect(readFileSync(path, "utf8")).toBe("two");
    expect(existsSync(join(root, "pending", `.a.json.${String(process.pid)}.tmp`))).toBe(false);
  });
});
