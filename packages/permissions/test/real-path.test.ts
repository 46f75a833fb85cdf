import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide } from "../src/index.js";
import type { PermissionRequest } from "@subagent-mcp/contract";

// Paths are judged by where they really lead: links inside the working folder, /proc/self/root,
// and files not made yet under a linked folder.

let top: string;
let cwd: string;
let outside: string;
const home = "/home/nobody";

beforeAll(() => {
  top = realpathSync(mkdtempSync(join(tmpdir(), "perm-real-")));
  cwd = join(top, "repo");
  outside = join(top, "secrets");
  mkdirSync(join(cwd, "docs"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, "id_rsa"), "KEY");
  writeFileSync(join(cwd, ".env"), "TOKEN=1");
  symlinkSync(join(outside, "id_rsa"), join(cwd, "docs", "id_rsa"));
  symlinkSync(join(cwd, ".env"), join(cwd, "docs", "innocent.txt"));
  symlinkSync(outside, join(cwd, "linked"));
});
afterAll(() => {
  rmSync(top, { recursive: true, force: true });
});

const read = (path: string): PermissionRequest => ({ requestId: "r", tool: "Read", kind: "read", path, input: {} });
const edit = (path: string): PermissionRequest => ({ requestId: "r", tool: "Edit", kind: "edit", path, input: {} });
const shell = (command: string): PermissionRequest => ({ requestId: "r", tool: "Bash", kind: "shell", command, input: {} });

describe("paths are judged by their real path", () => {
  it("a link inside the cwd to a file outside it is not a read inside the cwd", () => {
    const outcome = decide(read("docs/id_rsa"), {}, { cwd, home });
    expect(outcome.decision).toBe("ask");
    expect(outcome.why).toContain("leads outside the working directory");
    expect(decide(read(join(cwd, "docs", "id_rsa")), { allow: ["Read(./docs/**)"] }, { cwd, home }).decision).toBe("ask");
  });

  it("a deny rule holds through a link to the denied file", () => {
    const rules = { deny: ["Read(./.env)"] };
    expect(decide(read("docs/innocent.txt"), rules, { cwd, home }).decision).toBe("deny");
    expect(decide(shell("cat docs/innocent.txt"), { allow: ["Bash"], ...rules }, { cwd, home }).decision).toBe("deny");
  });

  it("a deny rule on the real place holds for the link's name", () => {
    const rules = { deny: [`Read(/${outside}/**)`] };
    expect(decide(read("docs/id_rsa"), rules, { cwd, home }).decision).toBe("deny");
  });

  it("/proc/self/root is the root", () => {
    expect(decide(read(`/proc/self/root${cwd}/.env`), { deny: ["Read(./.env)"] }, { cwd, home }).decision).toBe("deny");
  });

  it("a file not made yet under a linked folder is judged by the folder's real place", () => {
    expect(decide(edit("linked/new.txt"), { allow: ["Edit(./**)"] }, { cwd, home }).decision).toBe("ask");
    expect(decide(edit("docs/new.txt"), { allow: ["Edit(./**)"] }, { cwd, home }).decision).toBe("allow");
  });

  it("plain reads inside the cwd stay allowed", () => {
    expect(decide(read("docs"), {}, { cwd, home }).decision).toBe("allow");
    expect(decide(read(".env"), {}, { cwd, home }).decision).toBe("allow");
  });
});
