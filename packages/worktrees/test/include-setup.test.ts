import { existsSync, lstatSync, readFileSync, readlinkSync, statSync, symlinkSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { copyIncluded, createWorktree, runSetup, WorktreeError } from "../src/index.js";
import { makeRepo, tmp, write } from "./helpers.js";

const owner = { pid: process.pid };
const fresh = async (root: string) => createWorktree({ cwd: root, name: "w", stateDir: tmp("wt-state-"), kind: "agent", owner });

describe("copyIncluded", () => {
  it("copies only files that match .worktreeinclude and are ignored, keeping modes and symlinks", async () => {
    const root = makeRepo({
      ".gitignore": ".env\nnode_modules/\nlocal.txt\n*.log\n",
      ".worktreeinclude": ".env\nnode_modules/\nsecret.txt\nbin/\n",
      "secret.txt": "tracked\n",
      "README.md": "x\n",
    });
    write(root, {
      ".env": "TOKEN=1\n",
      "node_modules/x/index.js": "module.exports = 1;\n",
      "node_modules/.bin/tool": "#!/bin/sh\n",
      "local.txt": "ignored but not listed\n",
      "debug.log": "ignored but not listed\n",
      "bin/untracked.sh": "not ignored\n",
    });
    chmodSync(join(root, "node_modules/.bin/tool"), 0o755);
    symlinkSync("../x/index.js", join(root, "node_modules/.bin/x"));
    const record = await fresh(root);
    write(root, { "secret.txt": "edited in the user's checkout\n" });
    expect(await copyIncluded(record)).toEqual({ copied: 4 });
    expect(readFileSync(join(record.path, ".env"), "utf8")).toBe("TOKEN=1\n");
    expect(readFileSync(join(record.path, "node_modules/x/index.js"), "utf8")).toBe("module.exports = 1;\n");
    expect(statSync(join(record.path, "node_modules/.bin/tool")).mode & 0o777).toBe(0o755);
    expect(lstatSync(join(record.path, "node_modules/.bin/x")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(record.path, "node_modules/.bin/x"))).toBe("../x/index.js");
    expect(readFileSync(join(record.path, "secret.txt"), "utf8")).toBe("tracked\n");
    expect(existsSync(join(record.path, "local.txt"))).toBe(false);
    expect(existsSync(join(record.path, "debug.log"))).toBe(false);
    expect(existsSync(join(record.path, "bin/untracked.sh"))).toBe(false);
  });

  it("matches files inside an ignored directory the pattern does not name whole", async () => {
    const root = makeRepo({ ".gitignore": "config/\n", ".worktreeinclude": "config/*.local\n", "README.md": "x\n" });
    write(root, { "config/app.local": "yes\n", "config/app.cache": "no\n" });
    const record = await fresh(root);
    expect(await copyIncluded(record)).toEqual({ copied: 1 });
    expect(existsSync(join(record.path, "config/app.local"))).toBe(true);
    expect(existsSync(join(record.path, "config/app.cache"))).toBe(false);
  });

  it("never copies our own worktrees when the state dir is an ignored directory of the repo", async () => {
    const root = makeRepo({ ".gitignore": ".state/\n.env\n", ".worktreeinclude": ".state/\n.env\n", "README.md": "x\n" });
    write(root, { ".env": "A=1\n" });
    const record = await createWorktree({ cwd: root, name: "w", stateDir: join(root, ".state"), kind: "agent", owner });
    expect(await copyIncluded(record)).toEqual({ copied: 1 });
    expect(existsSync(join(record.path, ".state"))).toBe(false);
  });

  it("copies nothing without a .worktreeinclude", async () => {
    const root = makeRepo({ ".gitignore": ".env\n", "README.md": "x\n" });
    write(root, { ".env": "A=1\n" });
    expect(await copyIncluded(await fresh(root))).toEqual({ copied: 0 });
  });
});

describe("runSetup", () => {
  it("runs the command at the worktree root with the worktree and repo in its environment", async () => {
    const root = makeRepo();
    const record = await fresh(root);
    await runSetup(record, 'printf "%s|%s|%s" "$SUBAGENT_MCP_WORKTREE" "$SUBAGENT_MCP_REPO" "$EXTRA" > setup-done', {
      env: { EXTRA: "yes" },
    });
    expect(readFileSync(join(record.path, "setup-done"), "utf8")).toBe(`${record.path}|${root}|yes`);
  });

  it("reports a failing command with its exit code and output", async () => {
    const record = await fresh(makeRepo());
    const command = "echo to-stdout; echo to-stderr >&2; exit 3";
    const error = await runSetup(record, command).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorktreeError);
    const { code, message } = error as WorktreeError;
    expect(code).toBe("SETUP_FAILED");
    expect(message).toContain(command);
    expect(message).toContain("code 3");
    expect(message).toContain("to-stdout\nto-stderr");
  });

  it("reports a command that outlives its timeout", async () => {
    const record = await fresh(makeRepo());
    await expect(runSetup(record, "echo started; exec sleep 30", { timeoutMs: 300 })).rejects.toThrow(/timed out after 300 ms[^]*started/);
  });
});
